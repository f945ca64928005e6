#!/bin/sh
docker compose up -d --scale api=2 --scale beat=3 --scale db=1

#!/bin/sh
export DEPLOY_ENV=prod
docker compose up -d

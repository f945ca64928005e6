#!/bin/bash
cd "$(dirname "$0")/../docker"
docker compose -f docker-compose.dev.yml up -d --scale api=4

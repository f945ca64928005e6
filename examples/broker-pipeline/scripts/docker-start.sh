#!/usr/bin/env bash
# Start the system in order (seed 002's start script, shortened).
set -e
cd "$(dirname "$0")/.."
command -v docker-compose >/dev/null || { echo "docker-compose missing"; exit 1; }
[ -f .env ] || { echo ".env missing: cp .env.docker .env"; exit 1; }
docker-compose build
docker-compose up -d zookeeper kafka vault
sleep 20
docker-compose up -d prometheus grafana alertmanager
docker-compose up -d data-plane strategy-plane order-plane
docker-compose ps

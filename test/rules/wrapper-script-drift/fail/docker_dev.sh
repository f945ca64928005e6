#!/usr/bin/env bash
# Wrapper around docker-compose (seed 000's docker_dev.sh, shortened).
set -e
cd docker
case "$1" in
  up) docker-compose -f docker-compose.yml up -d backend backtest-worker ;;
  research) docker-compose -f docker-compose.research.yml --profile research up -d mcp ;;
  logs) docker-compose -f docker-compose.yml logs -f backend ;;
esac

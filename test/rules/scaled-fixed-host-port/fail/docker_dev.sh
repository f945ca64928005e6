#!/bin/bash
COMPOSE="docker compose -f docker/docker-compose.dev.yml"
$COMPOSE up -d --scale backtest-worker=3 --scale training-worker=3

#!/bin/sh
cd "$(dirname "$0")/.."
docker compose up -d api
cd "$SOMEWHERE"
docker compose -f elsewhere.yml up -d nothing-we-can-check

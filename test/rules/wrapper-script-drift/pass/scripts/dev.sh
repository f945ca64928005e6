#!/bin/sh
cd "$(dirname "$0")/.."
docker compose up -d api
cd "$SOMEWHERE"
docker compose -f elsewhere.yml up -d nothing-we-can-check
cd "$(dirname "$0")/.."
envsubst < compose.tmpl > compose.gen.yml
docker compose -f compose.gen.yml up -d api

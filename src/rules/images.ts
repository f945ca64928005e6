/**
 * What shipshape knows about well-known images: what kind of service they run, where they keep
 * state, which ports are internal, whether they ship curl/wget, their default credentials.
 * Used by several rules and by the inventory's "purpose" column.
 */
import type { ServiceRef } from './util.js';
import { commandText, imageOf } from './util.js';

export type ServiceKind =
  | 'database'
  | 'cache'
  | 'broker'
  | 'search'
  | 'metrics'
  | 'dashboards'
  | 'tracing'
  | 'logging'
  | 'admin-ui'
  | 'secrets'
  | 'proxy'
  | 'storage'
  | 'coordination'
  | 'ml'
  | 'app';

export interface KnownImage {
  /** image name patterns (last path segment or full repo), matched without tag */
  match: RegExp;
  kind: ServiceKind;
  purpose: string;
  /** directories where the service keeps state */
  dataDirs?: string[];
  /** container ports that should not be published on all interfaces */
  internalPorts?: number[];
  /** tools present in the official image's default (Debian) variant; -alpine tags add busybox wget (undefined: unknown) */
  tools?: { curl?: boolean; wget?: boolean };
  /** slow to start: a health check wants a start_period */
  slowStart?: boolean;
}

export const KNOWN_IMAGES: KnownImage[] = [
  { match: /^(postgres|postgis\/postgis|timescale\/timescaledb(-ha)?|bitnami\/postgresql|supabase\/postgres)$/, kind: 'database', purpose: 'PostgreSQL database', dataDirs: ['/var/lib/postgresql/data', '/var/lib/postgresql', '/bitnami/postgresql', '/home/postgres/pgdata'], internalPorts: [5432], tools: { curl: false, wget: false }, slowStart: true },
  { match: /^(mysql|mariadb|bitnami\/mysql|bitnami\/mariadb|percona)$/, kind: 'database', purpose: 'MySQL/MariaDB database', dataDirs: ['/var/lib/mysql', '/bitnami/mysql', '/bitnami/mariadb'], internalPorts: [3306], tools: { curl: false, wget: false }, slowStart: true },
  { match: /^(mongo|bitnami\/mongodb)$/, kind: 'database', purpose: 'MongoDB database', dataDirs: ['/data/db', '/bitnami/mongodb'], internalPorts: [27017], tools: { curl: false, wget: false }, slowStart: true },
  { match: /^(mcr\.microsoft\.com\/)?mssql\/server$|^azure-sql-edge$/, kind: 'database', purpose: 'SQL Server database', dataDirs: ['/var/opt/mssql'], internalPorts: [1433], slowStart: true },
  { match: /^(cassandra|scylladb\/scylla)$/, kind: 'database', purpose: 'Cassandra database', dataDirs: ['/var/lib/cassandra', '/var/lib/scylla'], internalPorts: [9042], slowStart: true },
  { match: /^(clickhouse\/clickhouse-server|yandex\/clickhouse-server)$/, kind: 'database', purpose: 'ClickHouse database', dataDirs: ['/var/lib/clickhouse'], internalPorts: [8123, 9000], slowStart: true },
  { match: /^(couchdb|neo4j|arangodb|influxdb|questdb\/questdb|cockroachdb\/cockroach)$/, kind: 'database', purpose: 'database', dataDirs: ['/opt/couchdb/data', '/data', '/var/lib/arangodb3', '/var/lib/influxdb', '/var/lib/influxdb2', '/var/lib/questdb', '/cockroach/cockroach-data'], slowStart: true },
  { match: /^(redis|redis\/redis-stack(-server)?|bitnami\/redis|valkey\/valkey|eqalpha\/keydb|keydb)$/, kind: 'cache', purpose: 'Redis cache / store', dataDirs: ['/data', '/bitnami/redis/data'], internalPorts: [6379], tools: { curl: false, wget: false } },
  { match: /^falkordb\/falkordb$/, kind: 'database', purpose: 'FalkorDB graph store', dataDirs: ['/data', '/var/lib/falkordb/data'], internalPorts: [6379] },
  { match: /^(memcached)$/, kind: 'cache', purpose: 'Memcached cache', internalPorts: [11211] },
  { match: /^(rabbitmq|bitnami\/rabbitmq)$/, kind: 'broker', purpose: 'RabbitMQ broker', dataDirs: ['/var/lib/rabbitmq', '/bitnami/rabbitmq/mnesia'], internalPorts: [5672, 15672], slowStart: true },
  { match: /^(confluentinc\/cp-kafka|bitnami\/kafka|apache\/kafka(-native)?|wurstmeister\/kafka|redpandadata\/redpanda|vectorized\/redpanda)$/, kind: 'broker', purpose: 'Kafka broker', dataDirs: ['/var/lib/kafka/data', '/bitnami/kafka', '/var/lib/redpanda/data', '/kafka', '/tmp/kafka-logs'], internalPorts: [9092, 29092, 9093], slowStart: true },
  { match: /^(confluentinc\/cp-zookeeper|zookeeper|bitnami\/zookeeper|wurstmeister\/zookeeper)$/, kind: 'coordination', purpose: 'ZooKeeper coordination', dataDirs: ['/var/lib/zookeeper/data', '/data', '/bitnami/zookeeper'], internalPorts: [2181], slowStart: true },
  { match: /^(nats|eclipse-mosquitto|emqx\/emqx|apache\/activemq-artemis)$/, kind: 'broker', purpose: 'message broker', internalPorts: [4222, 1883] },
  { match: /^(elasticsearch|docker\.elastic\.co\/elasticsearch\/elasticsearch|opensearchproject\/opensearch|bitnami\/elasticsearch)$/, kind: 'search', purpose: 'search engine', dataDirs: ['/usr/share/elasticsearch/data', '/usr/share/opensearch/data'], internalPorts: [9200, 9300], slowStart: true },
  { match: /^(getmeili\/meilisearch|typesense\/typesense|qdrant\/qdrant|semitechnologies\/weaviate|milvusdb\/milvus|chromadb\/chroma)$/, kind: 'search', purpose: 'search / vector store', dataDirs: ['/meili_data', '/data', '/qdrant/storage', '/var/lib/weaviate', '/var/lib/milvus', '/chroma/chroma'] },
  { match: /^(prom\/prometheus|bitnami\/prometheus|prometheus)$/, kind: 'metrics', purpose: 'Prometheus metrics', dataDirs: ['/prometheus'], internalPorts: [9090], tools: { curl: false, wget: true } },
  { match: /^(prom\/alertmanager|prom\/node-exporter|prom\/pushgateway|gcr\.io\/cadvisor\/cadvisor|google\/cadvisor|prom\/blackbox-exporter)$/, kind: 'metrics', purpose: 'metrics / alerting', internalPorts: [9093, 9100, 9091, 8080, 9115], tools: { curl: false, wget: true } },
  { match: /^(victoriametrics\/victoria-metrics|influxdb|graphiteapp\/graphite-statsd)$/, kind: 'metrics', purpose: 'time-series database', dataDirs: ['/victoria-metrics-data', '/var/lib/influxdb2', '/opt/graphite/storage'], internalPorts: [8428] },
  { match: /^(grafana\/grafana(-oss|-enterprise)?|bitnami\/grafana)$/, kind: 'dashboards', purpose: 'Grafana dashboards', dataDirs: ['/var/lib/grafana'], tools: { curl: true, wget: true } },
  { match: /^(jaegertracing\/all-in-one|jaegertracing\/jaeger|openzipkin\/zipkin|grafana\/tempo|otel\/opentelemetry-collector(-contrib)?)$/, kind: 'tracing', purpose: 'distributed tracing', internalPorts: [4317, 4318, 14268, 14250, 9411], tools: { curl: false, wget: true } },
  { match: /^(grafana\/loki|grafana\/promtail|fluent\/fluentd|fluent\/fluent-bit|docker\.elastic\.co\/logstash\/logstash|logstash|docker\.elastic\.co\/kibana\/kibana|kibana|datalust\/seq)$/, kind: 'logging', purpose: 'log collection', internalPorts: [3100, 24224] },
  { match: /^(dpage\/pgadmin4|adminer|phpmyadmin(\/phpmyadmin)?|mongo-express|rediscommander\/redis-commander|provectuslabs\/kafka-ui|obsidiandynamics\/kafdrop|mher\/flower|portainer\/portainer(-ce|-ee)?|redis\/redisinsight|redislabs\/redisinsight|conduktor\/conduktor-platform|hashicorp\/consul)$/, kind: 'admin-ui', purpose: 'admin UI', internalPorts: [80, 8080, 8081, 5555, 9000, 9443, 8001, 5540] },
  { match: /^(hashicorp\/vault|vault)$/, kind: 'secrets', purpose: 'Vault secrets', dataDirs: ['/vault/file', '/vault/data'], internalPorts: [8200] },
  { match: /^(nginx|nginxinc\/nginx-unprivileged|httpd|traefik|caddy|haproxy|envoyproxy\/envoy|nginxproxy\/nginx-proxy|jwilder\/nginx-proxy|kong)$/, kind: 'proxy', purpose: 'reverse proxy / web server' },
  { match: /^(minio\/minio|bitnami\/minio|localstack\/localstack|azurite|mcr\.microsoft\.com\/azure-storage\/azurite)$/, kind: 'storage', purpose: 'object storage', dataDirs: ['/data', '/var/lib/localstack'], internalPorts: [9000, 9001] },
  { match: /^(ghcr\.io\/mlflow\/mlflow|mlflow|bentoml\/.*|feastdev\/.*|comet-ml\/opik.*)$/, kind: 'ml', purpose: 'ML tooling', dataDirs: ['/mlflow', '/mlruns'] },
];

/** Match a service's image against the table (by full repo, then by last segment). */
export function knownImage(ref: ServiceRef): KnownImage | undefined {
  const img = imageOf(ref);
  if (!img) return undefined;
  const repo = img.repo.replace(/^(docker\.io\/)?(library\/)?/, '');
  return KNOWN_IMAGES.find((k) => k.match.test(repo)) ?? KNOWN_IMAGES.find((k) => k.match.test(img.name));
}

const NAME_HINTS: [RegExp, ServiceKind, string][] = [
  [/(^|[-_])(db|database|postgres|pg|mysql|mariadb|mongo)([-_]|$)/, 'database', 'database'],
  [/(^|[-_])(redis|cache|memcached|valkey)([-_]|$)/, 'cache', 'cache'],
  [/(^|[-_])(kafka|rabbit(mq)?|broker|nats|mq)([-_]|$)/, 'broker', 'message broker'],
  [/(^|[-_])(prometheus|metrics)([-_]|$)/, 'metrics', 'metrics'],
  [/(^|[-_])grafana([-_]|$)/, 'dashboards', 'dashboards'],
  [/(^|[-_])(jaeger|zipkin|tempo|otel|collector)([-_]|$)/, 'tracing', 'tracing'],
  [/(^|[-_])(worker|celery|consumer|scheduler|beat)([-_]|$)/, 'app', 'background worker'],
  [/(^|[-_])(api|backend|server|app|web)([-_]|$)/, 'app', 'application / API'],
  [/(^|[-_])(frontend|ui|client|spa)([-_]|$)/, 'app', 'frontend'],
  [/(^|[-_])(nginx|proxy|traefik|caddy|gateway|lb)([-_]|$)/, 'proxy', 'reverse proxy'],
];

/** A best guess at what a service is for, from its image, then its name and command. */
export function guessPurpose(ref: ServiceRef): { kind: ServiceKind; purpose: string } {
  const known = knownImage(ref);
  if (known) return { kind: known.kind, purpose: known.purpose };
  const cmd = commandText(ref.svc.command);
  if (/\bcelery\b.*\bworker\b/.test(cmd)) return { kind: 'app', purpose: 'Celery worker' };
  if (/\b(uvicorn|gunicorn|flask|django|node|npm|next|rails|puma)\b/.test(cmd)) {
    if (/\bworker\b/.test(ref.name)) return { kind: 'app', purpose: 'background worker' };
  }
  for (const [re, kind, purpose] of NAME_HINTS) if (re.test(ref.name.toLowerCase())) return { kind, purpose };
  return { kind: 'app', purpose: ref.svc.build ? 'application (built here)' : 'application' };
}

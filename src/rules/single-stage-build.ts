import path from 'node:path';
import { defineRule } from '../audit/types.js';
import { dockerfilesToAudit, listSome, program, runText, shellCommands } from './lib/maintainability.js';

type Ecosystem = 'python' | 'node' | 'go' | 'rust' | 'java' | 'dotnet' | 'native';

interface Tooling {
  what: string;
  line: number;
  eco: Ecosystem;
}

const BUILD_PACKAGES = /^(build-essential|gcc|g\+\+|gcc-c\+\+|clang|cmake|autoconf|automake|libtool|musl-dev|linux-headers|alpine-sdk|golang|golang-go|rustc|cargo|maven|gradle|default-jdk|default-jdk-headless|openjdk-\d+-jdk(-headless)?|openjdk\d+(-jdk)?|java-\d+-openjdk-devel|[a-z0-9.+-]+-dev|[a-z0-9.+-]+-devel)$/;

const NODE_BUILD = /\b(npm\s+run\s+(build|compile|dist)|yarn\s+(run\s+)?build|pnpm\s+(run\s+)?build|npx\s+(tsc|vite\s+build|next\s+build|ng\s+build)|ng\s+build|next\s+build|vite\s+build)\b/;

/** Dockerfiles for development, tests or CI keep their tooling on purpose. */
function isDevDockerfile(rel: string): boolean {
  const base = path.posix.basename(rel);
  return /(^|[.\-_])(dev|devel|development|debug|test|tests|testing|ci|local)([.\-_]|$)/i.test(base) || /(^|\/)\.devcontainer\//.test(rel);
}

const SNIPPETS: Record<Ecosystem, (image: string) => string> = {
  python: (image) =>
    `FROM ${image} AS build\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential\nCOPY requirements.txt .\nRUN pip wheel --wheel-dir /wheels -r requirements.txt\n\nFROM ${image}\nCOPY --from=build /wheels /wheels\nRUN pip install --no-cache-dir --no-index /wheels/* && rm -rf /wheels\nCOPY . /app`,
  node: (image) =>
    `FROM ${image} AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\nFROM ${image}\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY --from=build /app/dist ./dist`,
  go: (image) => `FROM ${image} AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]`,
  rust: (image) => `FROM ${image} AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\nFROM debian:bookworm-slim\nCOPY --from=build /src/target/release/app /usr/local/bin/app\nCMD ["app"]`,
  java: (image) => `FROM ${image} AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -B package -DskipTests\n\nFROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/*.jar /app/app.jar\nCMD ["java", "-jar", "/app/app.jar"]`,
  dotnet: () => `FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\nENTRYPOINT ["dotnet", "/app/App.dll"]`,
  native: (image) => `FROM ${image} AS build\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential\nCOPY . /src\nRUN make -C /src && make -C /src install DESTDIR=/out\n\nFROM ${image}\nCOPY --from=build /out/ /`,
};

export default defineRule({
  meta: {
    id: 'single-stage-build',
    title: 'A single-stage Dockerfile ships its build tooling',
    category: 'build',
    severity: 'info',
    priority: 'P5',
    effort: 'medium',
    rationale:
      'Compilers, headers and SDKs are needed to build, not to run. Left in the runtime image they add hundreds of megabytes, slow every pull and deploy, and widen the attack surface with tools an intruder would be glad to find. A multi-stage build keeps them in a stage that is thrown away.',
    fixable: false,
    docs: {
      what: 'Finds Dockerfiles with one stage that install build tooling (build-essential, gcc, `*-dev` headers, JDKs, …) or run a build (`go build`, `cargo build`, `mvn package`, `dotnet publish`, an npm/yarn install followed by a build script), unless the same RUN removes the tooling again. Dockerfiles named for development, tests or CI (`Dockerfile.dev`, `test.Dockerfile`) are left alone. Reported once per Dockerfile, at its FROM.',
      why: 'The final image should hold the application and its runtime only. Building in a first stage and copying the result into a slim one cuts image size, pull time and vulnerabilities reported by scanners.',
      bad: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y build-essential libpq-dev\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n',
      good: 'FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev\nCOPY requirements.txt .\nRUN pip wheel --wheel-dir /wheels -r requirements.txt\n\nFROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\nCOPY --from=build /wheels /wheels\nRUN pip install --no-cache-dir --no-index /wheels/*\n',
      lang: 'dockerfile',
      fix: 'Split the Dockerfile: a `build` stage with the tooling that produces wheels, a binary, a jar or a `dist/` folder, and a final stage from a slim base that copies only that result (`COPY --from=build`).',
    },
  },
  check(ctx) {
    for (const df of dockerfilesToAudit(ctx.repo)) {
      const info = df.info;
      if (info.stages.length !== 1 || isDevDockerfile(df.rel)) continue;
      const stage = info.stages[0]!;
      if (stage.image.toLowerCase() === 'scratch') continue;
      const found: Tooling[] = [];
      let nodeInstall = false;
      for (const run of info.runs) {
        const text = runText(run);
        const removes = /\b(apt-get|apt)\s+(-\S+\s+)*(purge|remove|autoremove)\b|\bapk\s+(-\S+\s+)*del\b|\b(dnf|yum)\s+(-\S+\s+)*(remove|erase|autoremove)\b/.test(text);
        for (const words of shellCommands(text)) {
          const prog = program(words);
          const sub = words[1];
          if (!removes && (((prog === 'apt-get' || prog === 'apt') && words.includes('install')) || (prog === 'apk' && words.includes('add')) || ((prog === 'dnf' || prog === 'yum' || prog === 'microdnf') && words.includes('install')))) {
            const pkgs = words.filter((w) => !w.startsWith('-') && !w.includes('=') && w !== 'install' && w !== 'add' && w !== prog).map((w) => w.replace(/[:=].*$/, ''));
            const tools = pkgs.filter((p) => BUILD_PACKAGES.test(p) && !/^(ca-certificates|tzdata)/.test(p));
            if (tools.length) found.push({ what: listSome(tools, 4), line: run.line, eco: /^python|pip/.test(stage.image) || tools.some((t) => /python|libpq|libffi|libssl/.test(t)) ? 'python' : 'native' });
          }
          if (prog === 'go' && (sub === 'build' || sub === 'install')) found.push({ what: `\`go ${sub}\``, line: run.line, eco: 'go' });
          if (prog === 'cargo' && (sub === 'build' || sub === 'install')) found.push({ what: `\`cargo ${sub}\``, line: run.line, eco: 'rust' });
          if ((prog === 'mvn' || prog === 'mvnw') && words.some((w) => /^(package|install|verify)$/.test(w))) found.push({ what: '`mvn package`', line: run.line, eco: 'java' });
          if ((prog === 'gradle' || prog === 'gradlew') && words.some((w) => /^(build|assemble|bootJar|shadowJar|installDist|jar)$/.test(w))) found.push({ what: '`gradle build`', line: run.line, eco: 'java' });
          if (prog === 'dotnet' && (sub === 'publish' || sub === 'build')) found.push({ what: `\`dotnet ${sub}\``, line: run.line, eco: 'dotnet' });
          if (['npm', 'yarn', 'pnpm'].includes(prog) && (sub === undefined || ['ci', 'install', 'i'].includes(sub))) nodeInstall = true;
        }
        const nb = NODE_BUILD.exec(text);
        if (nb && nodeInstall) found.push({ what: `dependencies installed then \`${nb[0]}\``, line: run.line, eco: 'node' });
      }
      if (!found.length) continue;
      const what = [...new Set(found.map((f) => `${f.what} at line ${f.line}`))];
      ctx.report({
        message: `${df.rel} builds in a single stage, so its build tooling (${what.slice(0, 3).join('; ')}${what.length > 3 ? `; and ${what.length - 3} more` : ''}) ships in the runtime image: build in a first stage and copy only the result into a slim final stage`,
        file: df.rel,
        line: stage.line,
        column: stage.column,
        ...(df.refs[0] ? { unit: df.refs[0].unit, service: df.refs[0].name } : {}),
        snippet: SNIPPETS[found[0]!.eco](stage.image),
      });
    }
  },
});

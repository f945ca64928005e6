/**
 * The part of dockerode 4 that shipshape uses (the package ships no types). Field names are the
 * Engine API's (PascalCase); only what we read is declared, everything else is left out.
 */
declare module 'dockerode' {
  import type { Readable, Writable } from 'node:stream';

  namespace Dockerode {
    interface DockerOptions {
      socketPath?: string;
      host?: string;
      port?: number | string;
      protocol?: 'http' | 'https' | 'ssh';
      username?: string;
      ca?: string | string[] | Buffer | Buffer[];
      cert?: string | Buffer;
      key?: string | Buffer;
      version?: string;
      timeout?: number;
      sshOptions?: Record<string, unknown>;
      headers?: Record<string, string>;
    }

    /** filters: label -> ['k=v'], status -> ['running'], ... (objects are JSON-encoded by docker-modem) */
    type Filters = Record<string, string[] | Record<string, boolean>>;

    interface PortInfo {
      IP?: string;
      PrivatePort: number;
      PublicPort?: number;
      Type: string;
    }

    interface ContainerInfo {
      Id: string;
      Names: string[];
      Image: string;
      Created: number;
      State: string;
      Status: string;
      Labels: Record<string, string>;
      Ports: PortInfo[];
    }

    interface HealthLogEntry {
      Start: string;
      End: string;
      ExitCode: number;
      Output: string;
    }

    interface ContainerInspectInfo {
      Id: string;
      Name: string;
      Created: string;
      RestartCount: number;
      State: {
        Status: string;
        Running: boolean;
        Paused: boolean;
        Restarting: boolean;
        OOMKilled: boolean;
        Dead: boolean;
        Pid: number;
        ExitCode: number;
        Error: string;
        StartedAt: string;
        FinishedAt: string;
        Health?: { Status: string; FailingStreak: number; Log?: HealthLogEntry[] | null };
      };
      Config: {
        Tty: boolean;
        Image: string;
        Labels: Record<string, string> | null;
        Healthcheck?: { Test?: string[] | null; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number } | null;
      };
      HostConfig: {
        RestartPolicy?: { Name: string; MaximumRetryCount?: number } | null;
      };
    }

    interface ImageInspectInfo {
      Id: string;
      RepoTags?: string[] | null;
      Config?: { Healthcheck?: { Test?: string[] | null } | null } | null;
    }

    interface VersionInfo {
      Version: string;
      ApiVersion: string;
      Os: string;
      Arch: string;
    }

    interface SystemInfo {
      ServerVersion: string;
      SystemTime: string;
      Name: string;
    }

    interface VolumeInfo {
      Name: string;
      Labels: Record<string, string> | null;
    }

    interface LogsOptions {
      stdout?: boolean;
      stderr?: boolean;
      follow?: boolean;
      tail?: number | string;
      since?: number | string;
      until?: number | string;
      timestamps?: boolean;
      abortSignal?: AbortSignal;
    }

    interface Container {
      id: string;
      inspect(): Promise<ContainerInspectInfo>;
      logs(opts: LogsOptions & { follow: true }): Promise<Readable>;
      logs(opts: LogsOptions & { follow?: false }): Promise<Buffer>;
    }

    interface Image {
      inspect(): Promise<ImageInspectInfo>;
    }

    interface Modem {
      demuxStream(stream: Readable, stdout: Writable, stderr: Writable): void;
    }
  }

  class Dockerode {
    constructor(options?: Dockerode.DockerOptions);
    modem: Dockerode.Modem;
    ping(): Promise<Buffer | string>;
    version(): Promise<Dockerode.VersionInfo>;
    info(): Promise<Dockerode.SystemInfo>;
    listContainers(opts?: { all?: boolean; filters?: Dockerode.Filters | string }): Promise<Dockerode.ContainerInfo[]>;
    listVolumes(opts?: { filters?: Dockerode.Filters | string }): Promise<{ Volumes: Dockerode.VolumeInfo[] | null }>;
    getContainer(id: string): Dockerode.Container;
    getImage(name: string): Dockerode.Image;
    getEvents(opts?: { since?: number | string; until?: number | string; filters?: Dockerode.Filters | string; abortSignal?: AbortSignal }): Promise<Readable>;
  }

  export = Dockerode;
}

/**
 * @module adapters/postgres/pg-listener
 * One dedicated connection that LISTENs for knowledge publications. A pooled connection cannot
 * do this (LISTEN belongs to a session, and the pool hands sessions around), so it has its own
 * `pg.Client`, and its own life: when the server restarts or the network drops, it reconnects
 * with exponential backoff (100 ms doubling to a cap, with jitter so that many replicas do not
 * reconnect in step) and then asks the store to catch up, because notifications sent while it
 * was away are gone.
 */
import { Client, escapeIdentifier, type ClientConfig, type Notification } from 'pg';
import { asError } from '../store-core.js';

/** What the listener needs from its owner. */
export interface ListenerHooks {
  /** A notification on our channel arrived; `payload` is the publication number. */
  onNotify(payload: string): void;
  /** The connection was (re)established after a loss: look for what was missed. */
  onReconnected(): void;
  /** Connection lost, reconnect failed, or a hook threw. */
  onError(error: Error): void;
}

/** Listener timing. */
export interface ListenerTiming {
  /** Longest wait between reconnect attempts. Default 5000 ms. */
  reconnectMaxMs: number;
  /** How often to check that the idle connection is still alive. Default 15000 ms. */
  keepAliveMs: number;
}

/** LISTEN on one channel over a dedicated, self-healing connection. */
export class PgListener {
  private readonly config: ClientConfig;
  private readonly channel: string;
  private readonly hooks: ListenerHooks;
  private readonly timing: ListenerTiming;
  private client: Client | null = null;
  private stopped = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private aliveTimer: NodeJS.Timeout | null = null;

  constructor(config: ClientConfig, channel: string, hooks: ListenerHooks, timing: ListenerTiming) {
    this.config = config;
    this.channel = channel;
    this.hooks = hooks;
    this.timing = timing;
  }

  /** Whether a LISTEN session is currently established. */
  get connected(): boolean {
    return this.client !== null;
  }

  /** Connect and LISTEN; rejects if the first attempt fails (the caller reports it). */
  async start(): Promise<void> {
    await this.connect();
    this.aliveTimer = setInterval(() => void this.checkAlive(), this.timing.keepAliveMs);
    this.aliveTimer.unref();
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    // Without an 'error' handler a lost connection would crash the process.
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('LISTEN connection ended')));
    client.on('notification', (msg: Notification) => {
      if (msg.channel !== this.channel) return;
      try {
        this.hooks.onNotify(msg.payload ?? '');
      } catch (e) {
        this.hooks.onError(asError(e));
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.channel)}`);
    } catch (e) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw e;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private lost(client: Client, e: Error): void {
    if (this.client !== client) return; // an old client, already replaced
    this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    if (this.stopped) return;
    this.hooks.onError(new Error(`knowledge notifications: connection lost (${e.message}); reconnecting`));
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const base = Math.min(100 * 2 ** this.failures, this.timing.reconnectMaxMs);
    const delay = base / 2 + Math.random() * (base / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().then(
        () => {
          if (this.client) this.hooks.onReconnected();
        },
        (e: unknown) => {
          this.failures++;
          this.hooks.onError(new Error(`knowledge notifications: reconnect failed (${asError(e).message})`));
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  // A dead peer behind a silent network (no RST) is only noticed when we write to the socket.
  private async checkAlive(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.query('SELECT 1');
    } catch (e) {
      this.lost(client, asError(e));
    }
  }

  /** Stop listening and release the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.aliveTimer) clearInterval(this.aliveTimer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

// Lit adapter: owns a ChatConnection for the host element's lifetime (started on connect, stopped
// on disconnect) and re-renders the host whenever the connection's state, messages or outbox change.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ChatConnection, type ChatConnectionEvents, type ChatConnectionOptions } from './chat-connection.js';

export class ChatConnectionController implements ReactiveController {
  readonly connection: ChatConnection;
  private offs: Array<() => void> = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    options: ChatConnectionOptions,
    /** Extra listeners the host wants, attached and detached with the host. */
    private readonly listeners: Partial<{ [K in keyof ChatConnectionEvents]: (value: ChatConnectionEvents[K]) => void }> = {},
  ) {
    this.connection = new ChatConnection(options);
    host.addController(this);
  }

  hostConnected(): void {
    const update = () => this.host.requestUpdate();
    this.offs = [
      this.connection.on('state', update),
      this.connection.on('messages', update),
      this.connection.on('outbox', update),
      this.connection.on('ready', update),
    ];
    for (const [type, listener] of Object.entries(this.listeners)) {
      this.offs.push(this.connection.on(type as keyof ChatConnectionEvents, listener as (value: unknown) => void));
    }
    this.connection.start();
  }

  hostDisconnected(): void {
    this.connection.stop();
    for (const off of this.offs.splice(0)) off();
  }
}

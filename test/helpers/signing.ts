/** Test-side access to the provider signing helpers (shared with the `send` CLI). */
export * from '../../tools/lib/signing';

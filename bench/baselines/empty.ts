/** Cold-init floor: a handler that does nothing, bundled like the real ones. */
export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });

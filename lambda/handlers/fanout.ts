// Placeholder until the handler lands; replaced by the ingest/fan-out work.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};

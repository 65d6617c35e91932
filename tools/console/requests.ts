/** What a page handler gets and gives, and the helpers every handler uses to read its parameters. */
import type { Page, PageContext } from './pages/common';

/** A request a handler answers: its URL, its form (POST), and the page context. */
export interface ConsoleRequest {
  readonly url: URL;
  readonly form?: URLSearchParams;
  readonly context: PageContext;
}

/** What a handler answers: a page, or a redirect (after a POST, or to the one job a search found). */
export type ConsoleResponse = { readonly kind: 'page'; readonly page: Page } | { readonly kind: 'redirect'; readonly location: string };

export type Handler = (request: ConsoleRequest) => Promise<ConsoleResponse>;

/** A request whose parameters are wrong: a 400 page saying what. */
export class BadRequest extends Error {}

/** A page as a response. */
export const page = (p: Page): ConsoleResponse => ({ kind: 'page', page: p });

/** A required query parameter, or BadRequest naming it. */
export function required(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === '') throw new BadRequest(`missing the ${name} parameter`);
  return value;
}

/** An optional parameter ('' counts as absent). */
export function optional(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null || value === '' ? undefined : value;
}

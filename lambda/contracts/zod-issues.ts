/** One way to turn schema issues into the lines our errors print: `<source>.<path>: <message>`. */

/** The shape zod (classic and mini) gives its issues; nothing else is read. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** `source.a.b: message` per issue (`source: message` at the root), e.g. for `TABLE_NAME: Required`. */
export function issueLines(issues: readonly SchemaIssue[], source?: string): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const where = [source, path].filter((part) => part !== undefined && part !== '').join('.');
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
}

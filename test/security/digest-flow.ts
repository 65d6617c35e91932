/**
 * A syntax-tree check (TypeScript's own parser) of how secret-derived digests are compared in the function code:
 * - `createHmac` is called only inside `hmacSha256` (lambda/core/crypto/hmac.ts), `timingSafeEqual` only inside
 *   `bytesEqual` (lambda/core/crypto/signatures.ts), and neither name is passed around as a value;
 * - every `hmacSha256(...)` result outside hmac.ts is born in a `.map` over the whole list of keys and that array
 *   goes, unchanged, into the first argument of `anyDigestMatches`: no property read (`.toString`, `.equals`), no
 *   operator (`===`), no loop with an exit around one key's digest;
 * - `anyDigestMatches` compares every pair with `bytesEqual`, never short-circuited and with no exit inside its loops;
 * - `bytesEqual` reaches the bytes only through `timingSafeEqual` and compares nothing but lengths.
 * Violations are returned as `file:line: what`, so a failing test names the place.
 */
import ts from 'typescript';

/** The names the check follows, as exported by the crypto modules. */
const names = {
  hmac: 'hmacSha256',
  createHmac: 'createHmac',
  anyMatch: 'anyDigestMatches',
  bytesEqual: 'bytesEqual',
  timingSafe: 'timingSafeEqual',
} as const;
type Tracked = (typeof names)[keyof typeof names];
const tracked = new Set<string>(Object.values(names));

export interface SourceText {
  /** Path relative to lambda/, with forward slashes (`core/crypto/hmac.ts`). */
  readonly file: string;
  readonly text: string;
}

export interface FileReport {
  readonly file: string;
  readonly violations: string[];
  /** `hmacSha256` calls whose digests reach `anyDigestMatches` as the rules require. */
  readonly checkedDigestFlows: number;
  /** Calls of tracked functions, by the exported name they resolve to. */
  readonly calls: Readonly<Record<Tracked, number>>;
}

function unwrap(node: ts.Node): ts.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent)) {
    current = current.parent;
  }
  return current;
}

/** Local name → exported name for the tracked functions (named imports, renamed ones too, and namespace imports). */
function importsOf(source: ts.SourceFile): { locals: Map<string, Tracked>; namespaces: Set<string> } {
  const locals = new Map<string, Tracked>();
  const namespaces = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
    // `import crypto from 'node:crypto'` reaches createHmac as crypto.createHmac, like a namespace import.
    if (statement.importClause.name) namespaces.add(statement.importClause.name.text);
    const bindings = statement.importClause.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else
      for (const element of bindings.elements) {
        const exported = (element.propertyName ?? element.name).text;
        if (tracked.has(exported)) locals.set(element.name.text, exported as Tracked);
      }
  }
  return { locals, namespaces };
}

export function analyseSource({ file, text }: SourceText): FileReport {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const { locals, namespaces } = importsOf(source);
  const violations: string[] = [];
  const calls = Object.fromEntries(Object.values(names).map((n) => [n, 0])) as Record<Tracked, number>;
  let checkedDigestFlows = 0;
  const at = (node: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    violations.push(`${file}:${line + 1}: ${what}`);
  };
  // Functions declared in this file under a tracked name are the definitions themselves.
  const declaredHere = new Set<string>();
  source.forEachChild(function visit(node) {
    if (ts.isFunctionDeclaration(node) && node.name && tracked.has(node.name.text)) declaredHere.add(node.name.text);
    node.forEachChild(visit);
  });

  /** The tracked name an expression refers to, if any. */
  const resolve = (expression: ts.Expression): Tracked | undefined => {
    if (ts.isIdentifier(expression)) {
      if (locals.has(expression.text)) return locals.get(expression.text);
      return declaredHere.has(expression.text) ? (expression.text as Tracked) : undefined;
    }
    if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression) && namespaces.has(expression.expression.text)) {
      const name = expression.name.text;
      return tracked.has(name) ? (name as Tracked) : undefined;
    }
    return undefined;
  };
  const enclosingFunctionName = (node: ts.Node): string | undefined => {
    for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
      if (ts.isFunctionDeclaration(current)) return current.name?.text;
    }
    return undefined;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const name = resolve(node as ts.Expression);
      const isCallee = ts.isCallExpression(node.parent) && node.parent.expression === node;
      const isName =
        ts.isFunctionDeclaration(node.parent) ||
        ts.isImportSpecifier(node.parent) ||
        (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) ||
        (ts.isPropertyAssignment(node.parent) && node.parent.name === node);
      if (name !== undefined && !isCallee && !isName) at(node, `${name} used as a value (it may only be called)`);
    }
    if (ts.isCallExpression(node)) {
      const name = resolve(node.expression);
      if (name !== undefined) {
        calls[name] += 1;
        const inside = enclosingFunctionName(node);
        if (name === names.createHmac && inside !== names.hmac) at(node, `createHmac called outside ${names.hmac}`);
        if (name === names.timingSafe && inside !== names.bytesEqual) at(node, `timingSafeEqual called outside ${names.bytesEqual}`);
        if (name === names.bytesEqual && inside !== names.anyMatch) at(node, `bytesEqual called outside ${names.anyMatch}: compare digests through it`);
        if (name === names.hmac && inside !== names.hmac) {
          const problem = digestFlowProblem(node);
          if (problem === undefined) checkedDigestFlows += 1;
          else at(node, problem);
        }
      }
    }
    if (ts.isFunctionDeclaration(node) && node.name?.text === names.anyMatch && node.body) for (const p of anyMatchProblems(node.body)) at(p.node, p.what);
    if (ts.isFunctionDeclaration(node) && node.name?.text === names.bytesEqual && node.body) for (const p of bytesEqualProblems(node.body)) at(p.node, p.what);
    node.forEachChild(visit);
  };

  /**
   * Why this `hmacSha256(...)` call's digest may leave the constant-time path, or undefined when it cannot: it is the
   * whole body of a `.map` callback whose parameter is the key, and the mapped array goes straight (or through a
   * const used only there) into `anyDigestMatches(expected, …)`.
   */
  const digestFlowProblem = (call: ts.CallExpression): string | undefined => {
    const self = unwrap(call);
    let callback: ts.Node = self.parent;
    if (ts.isReturnStatement(callback) && ts.isBlock(callback.parent) && callback.parent.statements.length === 1) callback = callback.parent.parent;
    else if (!(ts.isArrowFunction(callback) && callback.body === self)) {
      return `${names.hmac}(...) result is used by ${ts.SyntaxKind[callback.kind]}: a digest may only be the body of a .map callback feeding ${names.anyMatch}`;
    }
    if (!(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)))
      return `${names.hmac}(...) is returned from a function that is not a .map callback: digests must be computed for every key`;
    const param = callback.parameters[0]?.name;
    const key = call.arguments[0];
    if (!param || !ts.isIdentifier(param) || !key || !ts.isIdentifier(key) || key.text !== param.text)
      return `${names.hmac}(...) in a callback whose parameter is not the key: one digest per key of the list`;
    const mapCall = unwrap(callback).parent;
    if (
      !ts.isCallExpression(mapCall) ||
      mapCall.arguments[0] !== unwrap(callback) ||
      !ts.isPropertyAccessExpression(mapCall.expression) ||
      mapCall.expression.name.text !== 'map'
    ) {
      return `${names.hmac}(...) in a callback of something other than .map: every key's digest must be computed (no .find/.some/loop exit)`;
    }
    const mapped = unwrap(mapCall);
    const isExpectedArgument = (node: ts.Node) =>
      ts.isCallExpression(node.parent) && resolve(node.parent.expression) === names.anyMatch && node.parent.arguments[0] === node;
    if (isExpectedArgument(mapped)) return undefined;
    const declaration = mapped.parent;
    if (ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name) && ts.isVariableDeclarationList(declaration.parent)) {
      if (!(declaration.parent.flags & ts.NodeFlags.Const)) return `digests kept in a non-const variable ${declaration.name.text}`;
      const variable = declaration.name.text;
      const uses: ts.Identifier[] = [];
      const scope = ts.findAncestor(declaration, (n) => ts.isBlock(n) || ts.isSourceFile(n)) ?? source;
      scope.forEachChild(function find(n) {
        if (ts.isIdentifier(n) && n.text === variable && n !== declaration.name) uses.push(n);
        n.forEachChild(find);
      });
      const stray = uses.filter((use) => !isExpectedArgument(unwrap(use)));
      if (uses.length === 0) return `digests in ${variable} never reach ${names.anyMatch}`;
      if (stray.length > 0)
        return `digests in ${variable} are used other than as ${names.anyMatch}'s first argument (line ${source.getLineAndCharacterOfPosition(stray[0]?.getStart(source) ?? 0).line + 1})`;
      return undefined;
    }
    return `mapped digests are used by ${ts.SyntaxKind[declaration.kind]} instead of going to ${names.anyMatch}`;
  };

  /** anyDigestMatches: loops with no exit, every comparison a bytesEqual that is always evaluated. */
  const anyMatchProblems = (body: ts.Block): Array<{ node: ts.Node; what: string }> => {
    const problems: Array<{ node: ts.Node; what: string }> = [];
    let compared = 0;
    const isLoop = (n: ts.Node) => ts.isForOfStatement(n) || ts.isForStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n);
    body.forEachChild(function walk(n) {
      const innermost = ts.findAncestor(n.parent, (a) => a === body || isLoop(a));
      const inLoop = innermost !== undefined && innermost !== body;
      if (inLoop && (ts.isReturnStatement(n) || ts.isBreakStatement(n) || ts.isContinueStatement(n) || ts.isThrowStatement(n))) {
        problems.push({ node: n, what: `${names.anyMatch} leaves its loop early: every pair must be compared` });
      }
      if (ts.isCallExpression(n)) {
        if (resolve(n.expression) === names.bytesEqual) {
          compared += 1;
          if (!inLoop) problems.push({ node: n, what: `${names.anyMatch} compares outside its loops` });
          const skipped = shortCircuited(n, body);
          if (skipped) problems.push({ node: n, what: `${names.anyMatch}'s comparison can be skipped (${skipped})` });
        } else if (
          ts.isPropertyAccessExpression(n.expression) &&
          ['some', 'find', 'findIndex', 'every', 'includes', 'indexOf'].includes(n.expression.name.text)
        ) {
          problems.push({ node: n, what: `${names.anyMatch} uses .${n.expression.name.text}, which stops at the first hit` });
        }
      }
      n.forEachChild(walk);
    });
    if (compared === 0) problems.push({ node: body, what: `${names.anyMatch} never calls ${names.bytesEqual}` });
    return problems;
  };

  /** bytesEqual: the bytes reach only timingSafeEqual; the only comparison is of lengths. */
  const bytesEqualProblems = (body: ts.Block): Array<{ node: ts.Node; what: string }> => {
    const problems: Array<{ node: ts.Node; what: string }> = [];
    const comparisons = new Set([
      ts.SyntaxKind.EqualsEqualsEqualsToken,
      ts.SyntaxKind.ExclamationEqualsEqualsToken,
      ts.SyntaxKind.EqualsEqualsToken,
      ts.SyntaxKind.ExclamationEqualsToken,
      ts.SyntaxKind.LessThanToken,
      ts.SyntaxKind.GreaterThanToken,
    ]);
    const isLength = (e: ts.Expression) => ts.isPropertyAccessExpression(e) && e.name.text === 'length';
    let safeCalls = 0;
    body.forEachChild(function walk(n) {
      if (ts.isCallExpression(n)) {
        if (resolve(n.expression) === names.timingSafe) safeCalls += 1;
        else problems.push({ node: n, what: `${names.bytesEqual} calls something other than timingSafeEqual` });
      }
      if (ts.isBinaryExpression(n) && comparisons.has(n.operatorToken.kind) && !(isLength(n.left) && isLength(n.right))) {
        problems.push({ node: n, what: `${names.bytesEqual} compares something other than lengths` });
      }
      if (ts.isElementAccessExpression(n) || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isWhileStatement(n)) {
        problems.push({ node: n, what: `${names.bytesEqual} reads bytes itself` });
      }
      n.forEachChild(walk);
    });
    if (safeCalls === 0) problems.push({ node: body, what: `${names.bytesEqual} never calls timingSafeEqual` });
    // Same work on every path: each return either is a timingSafeEqual call or follows one in its block.
    const callsSafe = (n: ts.Node): boolean => {
      let found = false;
      n.forEachChild(function look(c) {
        if (ts.isCallExpression(c) && resolve(c.expression) === names.timingSafe) found = true;
        c.forEachChild(look);
      });
      return found || (ts.isCallExpression(n) && resolve(n.expression) === names.timingSafe);
    };
    body.forEachChild(function returns(n) {
      if (ts.isReturnStatement(n) && !(n.expression && callsSafe(n.expression))) {
        const block = n.parent;
        const before = ts.isBlock(block) ? block.statements.slice(0, block.statements.indexOf(n)) : [];
        if (!before.some(callsSafe)) problems.push({ node: n, what: `${names.bytesEqual} returns without the timingSafeEqual work on this path` });
      }
      n.forEachChild(returns);
    });
    return problems;
  };

  visit(source);
  return { file, violations, checkedDigestFlows, calls };
}

/** Why a call may not be evaluated on every pass (right of `||`, `&&`, `??`, their assignments, or a `?:` branch). */
function shortCircuited(call: ts.Node, stop: ts.Node): string | undefined {
  const lazy = new Set([
    ts.SyntaxKind.BarBarToken,
    ts.SyntaxKind.AmpersandAmpersandToken,
    ts.SyntaxKind.QuestionQuestionToken,
    ts.SyntaxKind.BarBarEqualsToken,
    ts.SyntaxKind.AmpersandAmpersandEqualsToken,
    ts.SyntaxKind.QuestionQuestionEqualsToken,
  ]);
  for (let child: ts.Node = call, parent = call.parent; parent && parent !== stop; child = parent, parent = parent.parent) {
    if (ts.isBinaryExpression(parent) && lazy.has(parent.operatorToken.kind) && parent.right === child) return `right of ${parent.operatorToken.getText()}`;
    if (ts.isConditionalExpression(parent) && parent.condition !== child) return 'a ?: branch';
    if (ts.isIfStatement(parent) && parent.expression !== child) return 'inside an if branch';
  }
  return undefined;
}

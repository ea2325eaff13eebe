"""A small programming language: a hand-written tokenizer, a
recursive-descent parser with precedence climbing that builds an AST of
node classes, a constant folder, and a tree-walking evaluator with
closures, lists, dicts and strings.

The programs it runs (in PROGRAMS, below) compute primes, sort lists, fold
strings and count words; each one is tokenized, parsed and run afresh for
every round, so the front end counts as much as the evaluator.
"""

SIZE = 40
CALLGRIND_SIZE = 4


class LangError(Exception):
    pass


# --- tokenizer ---------------------------------------------------------------

KEYWORDS = {'let', 'fn', 'if', 'else', 'while', 'return', 'true', 'false',
            'nil', 'and', 'or', 'not', 'for', 'in'}
TWO_CHAR = {'==', '!=', '<=', '>=', '..'}
ONE_CHAR = set('+-*/%<>=(){}[],;:.!')


class Token:
    __slots__ = ('kind', 'value', 'line')

    def __init__(self, kind, value, line):
        self.kind = kind
        self.value = value
        self.line = line

    def __repr__(self):
        return f'Token({self.kind}, {self.value!r}, line {self.line})'


def tokenize(source):
    tokens = []
    i, line, n = 0, 1, len(source)
    while i < n:
        c = source[i]
        if c == '\n':
            line += 1
            i += 1
        elif c in ' \t\r':
            i += 1
        elif c == '#':
            while i < n and source[i] != '\n':
                i += 1
        elif c.isdigit():
            j = i
            while j < n and source[j].isdigit():
                j += 1
            tokens.append(Token('num', int(source[i:j]), line))
            i = j
        elif c.isalpha() or c == '_':
            j = i
            while j < n and (source[j].isalnum() or source[j] == '_'):
                j += 1
            word = source[i:j]
            kind = word if word in KEYWORDS else 'name'
            tokens.append(Token(kind, word, line))
            i = j
        elif c == '"':
            j = i + 1
            chars = []
            while j < n and source[j] != '"':
                if source[j] == '\\' and j + 1 < n:
                    j += 1
                    chars.append({'n': '\n', 't': '\t'}.get(source[j],
                                                            source[j]))
                else:
                    chars.append(source[j])
                j += 1
            if j >= n:
                raise LangError(f'line {line}: unterminated string')
            tokens.append(Token('str', ''.join(chars), line))
            i = j + 1
        elif source[i:i + 2] in TWO_CHAR:
            tokens.append(Token(source[i:i + 2], None, line))
            i += 2
        elif c in ONE_CHAR:
            tokens.append(Token(c, None, line))
            i += 1
        else:
            raise LangError(f'line {line}: unexpected {c!r}')
    tokens.append(Token('eof', None, line))
    return tokens


# --- AST ---------------------------------------------------------------------

class Node:
    __slots__ = ()
    fields = ()

    def __repr__(self):
        args = ', '.join(repr(getattr(self, f)) for f in self.fields)
        return f'{type(self).__name__}({args})'


def node(name, *fields):
    """A Node subclass with these fields, its __init__ taking them in
    order."""
    def __init__(self, *values):
        for field, value in zip(fields, values):
            setattr(self, field, value)
    return type(name, (Node,), {'__slots__': fields, 'fields': fields,
                                '__init__': __init__})


Const = node('Const', 'value')
Var = node('Var', 'name')
Unary = node('Unary', 'op', 'operand')
Binary = node('Binary', 'op', 'left', 'right')
Logic = node('Logic', 'op', 'left', 'right')
Call = node('Call', 'func', 'args')
Index = node('Index', 'obj', 'index')
ListLit = node('ListLit', 'items')
DictLit = node('DictLit', 'pairs')
Lambda = node('Lambda', 'params', 'body')
Let = node('Let', 'name', 'value')
Assign = node('Assign', 'target', 'value')
If = node('If', 'cond', 'then', 'other')
While = node('While', 'cond', 'body')
For = node('For', 'name', 'start', 'stop', 'body')
Return = node('Return', 'value')
ExprStmt = node('ExprStmt', 'expr')
Block = node('Block', 'body')


# --- parser ------------------------------------------------------------------

BINARY_PRECEDENCE = {
    '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4,
    '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
}


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self, kind=None):
        token = self.tokens[self.pos]
        return token if kind is None or token.kind == kind else None

    def advance(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, kind):
        if self.tokens[self.pos].kind == kind:
            return self.advance()
        return None

    def expect(self, kind):
        token = self.tokens[self.pos]
        if token.kind != kind:
            raise LangError(f'line {token.line}: expected {kind}, found '
                            f'{token.kind}')
        self.pos += 1
        return token

    def program(self):
        body = []
        while not self.peek('eof'):
            body.append(self.statement())
        return Block(body)

    def block(self):
        self.expect('{')
        body = []
        while not self.accept('}'):
            body.append(self.statement())
        return Block(body)

    def statement(self):
        if self.accept('let'):
            name = self.expect('name').value
            self.expect('=')
            value = self.expression()
            self.expect(';')
            return Let(name, value)
        if self.accept('fn'):
            name = self.expect('name').value
            return Let(name, self.function_rest())
        if self.accept('if'):
            return self.if_rest()
        if self.accept('while'):
            cond = self.expression()
            return While(cond, self.block())
        if self.accept('for'):
            name = self.expect('name').value
            self.expect('in')
            start = self.expression()
            self.expect('..')
            stop = self.expression()
            return For(name, start, stop, self.block())
        if self.accept('return'):
            value = Const(None) if self.peek(';') else self.expression()
            self.expect(';')
            return Return(value)
        expr = self.expression()
        if self.accept('='):
            if not isinstance(expr, (Var, Index)):
                raise LangError('cannot assign to that')
            value = self.expression()
            self.expect(';')
            return Assign(expr, value)
        self.expect(';')
        return ExprStmt(expr)

    def if_rest(self):
        cond = self.expression()
        then = self.block()
        other = None
        if self.accept('else'):
            other = self.if_rest() if self.accept('if') else self.block()
        return If(cond, then, other)

    def function_rest(self):
        self.expect('(')
        params = []
        if not self.accept(')'):
            params.append(self.expect('name').value)
            while self.accept(','):
                params.append(self.expect('name').value)
            self.expect(')')
        return Lambda(tuple(params), self.block())

    def expression(self):
        return self.logic_or()

    def logic_or(self):
        left = self.logic_and()
        while self.accept('or'):
            left = Logic('or', left, self.logic_and())
        return left

    def logic_and(self):
        left = self.binary(0)
        while self.accept('and'):
            left = Logic('and', left, self.binary(0))
        return left

    def binary(self, min_precedence):
        """Precedence climbing over BINARY_PRECEDENCE, left-associative."""
        left = self.unary()
        while True:
            op = self.tokens[self.pos].kind
            precedence = BINARY_PRECEDENCE.get(op)
            if precedence is None or precedence < min_precedence:
                return left
            self.advance()
            right = self.binary(precedence + 1)
            left = Binary(op, left, right)

    def unary(self):
        if self.accept('-'):
            return Unary('-', self.unary())
        if self.accept('not') or self.accept('!'):
            return Unary('not', self.unary())
        return self.postfix()

    def postfix(self):
        expr = self.primary()
        while True:
            if self.accept('('):
                args = []
                if not self.accept(')'):
                    args.append(self.expression())
                    while self.accept(','):
                        args.append(self.expression())
                    self.expect(')')
                expr = Call(expr, args)
            elif self.accept('['):
                index = self.expression()
                self.expect(']')
                expr = Index(expr, index)
            elif self.accept('.'):
                # a.b is sugar for a["b"].
                expr = Index(expr, Const(self.expect('name').value))
            else:
                return expr

    def primary(self):
        token = self.advance()
        kind = token.kind
        if kind in ('num', 'str'):
            return Const(token.value)
        if kind == 'true':
            return Const(True)
        if kind == 'false':
            return Const(False)
        if kind == 'nil':
            return Const(None)
        if kind == 'name':
            return Var(token.value)
        if kind == 'fn':
            return self.function_rest()
        if kind == '(':
            expr = self.expression()
            self.expect(')')
            return expr
        if kind == '[':
            items = []
            if not self.accept(']'):
                items.append(self.expression())
                while self.accept(','):
                    items.append(self.expression())
                self.expect(']')
            return ListLit(items)
        if kind == '{':
            pairs = []
            if not self.accept('}'):
                while True:
                    key = self.expression()
                    self.expect(':')
                    pairs.append((key, self.expression()))
                    if not self.accept(','):
                        break
                self.expect('}')
            return DictLit(pairs)
        raise LangError(f'line {token.line}: unexpected {kind}')


# --- constant folding --------------------------------------------------------

ARITHMETIC = {
    '+': lambda a, b: a + b, '-': lambda a, b: a - b,
    '*': lambda a, b: a * b, '/': lambda a, b: a // b,
    '%': lambda a, b: a % b, '==': lambda a, b: a == b,
    '!=': lambda a, b: a != b, '<': lambda a, b: a < b,
    '<=': lambda a, b: a <= b, '>': lambda a, b: a > b,
    '>=': lambda a, b: a >= b,
}


def fold(tree):
    """Replace operations on constants by their value, in place where a
    node holds children; return the (possibly new) node."""
    if isinstance(tree, Binary):
        tree.left = fold(tree.left)
        tree.right = fold(tree.right)
        if isinstance(tree.left, Const) and isinstance(tree.right, Const) \
                and not (tree.op in '/%' and tree.right.value == 0):
            return Const(ARITHMETIC[tree.op](tree.left.value,
                                             tree.right.value))
        return tree
    if isinstance(tree, Unary):
        tree.operand = fold(tree.operand)
        if isinstance(tree.operand, Const) and tree.op == '-':
            return Const(-tree.operand.value)
        return tree
    if isinstance(tree, Node):
        for field in tree.fields:
            value = getattr(tree, field)
            if isinstance(value, Node):
                setattr(tree, field, fold(value))
            elif isinstance(value, list):
                setattr(tree, field, [
                    fold(v) if isinstance(v, Node) else
                    tuple(fold(x) for x in v) if isinstance(v, tuple) else v
                    for v in value])
    return tree


# --- evaluator ---------------------------------------------------------------

class ReturnSignal(Exception):
    def __init__(self, value):
        self.value = value


class Env:
    __slots__ = ('vars', 'parent')

    def __init__(self, parent=None):
        self.vars = {}
        self.parent = parent

    def find(self, name):
        env = self
        while env is not None:
            if name in env.vars:
                return env
            env = env.parent
        raise LangError(f'undefined name {name!r}')


class Function:
    def __init__(self, params, body, closure):
        self.params = params
        self.body = body
        self.closure = closure


class Interpreter:
    def __init__(self):
        self.globals = Env()
        self.calls = 0
        self.output = []
        for name, func in BUILTINS.items():
            self.globals.vars[name] = func
        self.globals.vars['print'] = self.output.append

    def run(self, tree):
        self.exec_block(tree.body, self.globals)

    def exec_block(self, body, env):
        for stmt in body:
            self.exec(stmt, env)

    def exec(self, stmt, env):
        kind = type(stmt)
        if kind is ExprStmt:
            self.eval(stmt.expr, env)
        elif kind is Let:
            env.vars[stmt.name] = self.eval(stmt.value, env)
        elif kind is Assign:
            target = stmt.target
            value = self.eval(stmt.value, env)
            if type(target) is Var:
                env.find(target.name).vars[target.name] = value
            else:
                self.eval(target.obj, env)[self.eval(target.index, env)] = \
                    value
        elif kind is If:
            if self.eval(stmt.cond, env):
                self.exec_block(stmt.then.body, Env(env))
            elif stmt.other is not None:
                other = stmt.other
                if type(other) is If:
                    self.exec(other, env)
                else:
                    self.exec_block(other.body, Env(env))
        elif kind is While:
            while self.eval(stmt.cond, env):
                self.exec_block(stmt.body.body, Env(env))
        elif kind is For:
            start = self.eval(stmt.start, env)
            stop = self.eval(stmt.stop, env)
            for i in range(start, stop):
                scope = Env(env)
                scope.vars[stmt.name] = i
                self.exec_block(stmt.body.body, scope)
        elif kind is Return:
            raise ReturnSignal(self.eval(stmt.value, env))
        else:
            raise LangError(f'cannot execute {stmt!r}')

    def eval(self, expr, env):
        kind = type(expr)
        if kind is Const:
            return expr.value
        if kind is Var:
            name = expr.name
            while env is not None:
                vars = env.vars
                if name in vars:
                    return vars[name]
                env = env.parent
            raise LangError(f'undefined name {name!r}')
        if kind is Binary:
            left = self.eval(expr.left, env)
            right = self.eval(expr.right, env)
            op = expr.op
            if op == '+':
                return left + right
            if op == '-':
                return left - right
            if op == '<':
                return left < right
            if op == '==':
                return left == right
            return ARITHMETIC[op](left, right)
        if kind is Call:
            func = self.eval(expr.func, env)
            args = [self.eval(a, env) for a in expr.args]
            return self.call(func, args)
        if kind is Index:
            return self.eval(expr.obj, env)[self.eval(expr.index, env)]
        if kind is Logic:
            left = self.eval(expr.left, env)
            if expr.op == 'and':
                return self.eval(expr.right, env) if left else left
            return left if left else self.eval(expr.right, env)
        if kind is Unary:
            value = self.eval(expr.operand, env)
            return -value if expr.op == '-' else not value
        if kind is ListLit:
            return [self.eval(item, env) for item in expr.items]
        if kind is DictLit:
            return {self.eval(k, env): self.eval(v, env)
                    for k, v in expr.pairs}
        if kind is Lambda:
            return Function(expr.params, expr.body, env)
        raise LangError(f'cannot evaluate {expr!r}')

    def call(self, func, args):
        self.calls += 1
        if type(func) is not Function:
            return func(*args)
        if len(args) != len(func.params):
            raise LangError('wrong number of arguments')
        env = Env(func.closure)
        env.vars.update(zip(func.params, args))
        try:
            self.exec_block(func.body.body, env)
        except ReturnSignal as signal:
            return signal.value
        return None


BUILTINS = {
    'len': len,
    'push': lambda lst, x: lst.append(x),
    'pop': lambda lst: lst.pop(),
    'str': str,
    'chr': chr,
    'ord': ord,
    'keys': lambda d: sorted(d),
    'get': lambda d, key: d.get(key),
    'split': lambda s: s.split(),
}


PROGRAMS = [
    '''
    # Primes below a limit, by trial division against the primes so far.
    fn is_prime(n, primes) {
        let i = 0;
        while i < len(primes) and primes[i] * primes[i] <= n {
            if n % primes[i] == 0 { return false; }
            i = i + 1;
        }
        return true;
    }
    let primes = [];
    for n in 2 .. 250 + 0 * 1 {
        if is_prime(n, primes) { push(primes, n); }
    }
    print(len(primes));
    print(primes[len(primes) - 1]);
    ''',
    '''
    # Insertion sort and a merge sort built from closures.
    let data = [];
    let seed = 12345;
    for i in 0 .. 40 {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        push(data, seed % 1000);
    }
    fn insertion(xs) {
        let out = [];
        for i in 0 .. len(xs) {
            push(out, xs[i]);
            let j = len(out) - 1;
            while j > 0 and out[j - 1] > out[j] {
                let t = out[j]; out[j] = out[j - 1]; out[j - 1] = t;
                j = j - 1;
            }
        }
        return out;
    }
    fn merge_sort(xs, less) {
        if len(xs) <= 1 { return xs; }
        let mid = len(xs) / 2;
        let a = []; let b = [];
        for i in 0 .. mid { push(a, xs[i]); }
        for i in mid .. len(xs) { push(b, xs[i]); }
        a = merge_sort(a, less); b = merge_sort(b, less);
        let out = []; let i = 0; let j = 0;
        while i < len(a) or j < len(b) {
            if j >= len(b) or (i < len(a) and less(a[i], b[j])) {
                push(out, a[i]); i = i + 1;
            } else {
                push(out, b[j]); j = j + 1;
            }
        }
        return out;
    }
    let s1 = insertion(data);
    let s2 = merge_sort(data, fn(x, y) { return x < y; });
    let same = true;
    for i in 0 .. len(s1) { if s1[i] != s2[i] { same = false; } }
    print(same);
    print(s1[0] + s1[len(s1) - 1] * 1000);
    ''',
    '''
    # Word counts in a dict, and a Caesar cipher over a string.
    let text = "the quick brown fox jumps over the lazy dog " +
        "and the dog sleeps while the fox runs";
    let counts = {};
    let words = split(text);
    for r in 0 .. 2 {
        for i in 0 .. len(words) {
            let w = words[i];
            if get(counts, w) != nil {
                counts[w] = counts[w] + 1;
            } else {
                counts[w] = 1;
            }
        }
    }
    fn shift(s, k) {
        let out = "";
        for i in 0 .. len(s) {
            let c = ord(s[i]);
            if c >= 97 and c <= 122 { c = (c - 97 + k) % 26 + 97; }
            out = out + chr(c);
        }
        return out;
    }
    print(counts.the * 100 + counts.fox + len(keys(counts)));
    print(shift(shift(text, 3), 23) == text);
    print(shift(text, 13));
    ''',
    '''
    # Closures as counters and a memoised recursive function.
    fn counter(step) {
        let n = 0;
        return fn() { n = n + step; return n; };
    }
    let a = counter(1); let b = counter(7);
    for i in 0 .. 80 { a(); b(); }
    let memo = {};
    fn ways(n) {
        if n < 0 { return 0; }
        if n == 0 { return 1; }
        let key = str(n);
        if get(memo, key) != nil { return memo[key]; }
        let w = ways(n - 1) + ways(n - 2) + ways(n - 3);
        memo[key] = w;
        return w;
    }
    fn fib(n) { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); }
    print(a() + b());
    print(ways(60) % 1000000007);
    print(fib(11));
    ''',
]


def run_program(source):
    tree = fold(Parser(tokenize(source)).program())
    interp = Interpreter()
    interp.run(tree)
    return interp


def bench_minilang(n):
    """A small language: tokenizer, recursive-descent parser with
    precedence climbing into AST node classes, constant folding and a
    tree-walking evaluator (closures, lists, dicts, strings); n rounds of
    four programs, each parsed and run afresh."""
    h = 0
    calls = 0
    for round_ in range(n):
        source = PROGRAMS[round_ % len(PROGRAMS)]
        interp = run_program(source)
        calls += interp.calls
        for line in interp.output:
            for ch in str(line):
                h = (h * 131 + ord(ch)) % 1_000_000_007
    return f'{h} {calls}'

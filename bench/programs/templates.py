"""A template engine in the style of Jinja: a lexer, a parser building a
tree of nodes, a compiler turning the tree into nested Python closures, and
the rendering of many contexts.

The language: ``{{ expr }}`` outputs an expression, ``{% if %}`` /
``{% elif %}`` / ``{% else %}`` / ``{% endif %}``, ``{% for x in expr %}``
(with ``loop.index``, ``loop.first``, ``loop.last``) / ``{% endfor %}``,
``{% set name = expr %}``, and ``{# comments #}``. Expressions have names,
attribute and item access (``a.b``, ``a[0]``), int and string literals,
comparisons, ``and``/``or``/``not``, ``+``, ``-``, ``*``, ``%`` and filters
(``expr | name`` or ``expr | name(arg, ...)``). Output is HTML-escaped
unless piped through ``safe``.
"""

import re

SIZE = 1200
CALLGRIND_SIZE = 120


class TemplateError(Exception):
    pass


# --- lexer -------------------------------------------------------------------

TAG = re.compile(r'({{.*?}}|{%.*?%}|{#.*?#})', re.S)
TOKEN = re.compile(r'''
    \s*(?:
      (?P<int>\d+)
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
    | (?P<op>==|!=|<=|>=|[-+*%<>|.,()\[\]=:])
    )''', re.X)


def tokenize_expression(text):
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None:
            raise TemplateError(f'bad expression at {text[pos:]!r}')
        kind = m.lastgroup
        value = m.group(kind)
        if kind == 'int':
            value = int(value)
        elif kind == 'str':
            value = value[1:-1]
        tokens.append((kind, value))
        pos = m.end()
    tokens.append(('end', None))
    return tokens


def lex(source):
    """Split the source into ('text', s), ('out', tokens), ('tag', name,
    tokens) items."""
    items = []
    for part in TAG.split(source):
        if not part:
            continue
        if part.startswith('{{'):
            items.append(('out', tokenize_expression(part[2:-2])))
        elif part.startswith('{%'):
            tokens = tokenize_expression(part[2:-2])
            if tokens[0][0] != 'name':
                raise TemplateError(f'bad tag {part!r}')
            items.append(('tag', tokens[0][1], tokens[1:]))
        elif part.startswith('{#'):
            continue
        else:
            items.append(('text', part))
    return items


# --- expressions -------------------------------------------------------------

class ExprParser:
    """A recursive-descent parser from tokens to compiled closures that
    take the context (a dict) and return a value."""

    def __init__(self, tokens, filters):
        self.tokens = tokens
        self.pos = 0
        self.filters = filters

    def peek(self):
        return self.tokens[self.pos]

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, kind, value=None):
        token = self.tokens[self.pos]
        if token[0] == kind and (value is None or token[1] == value):
            self.pos += 1
            return True
        return False

    def expect(self, kind, value=None):
        if not self.accept(kind, value):
            raise TemplateError(f'expected {value or kind}, found '
                                f'{self.peek()[1]!r}')

    def parse(self):
        expr = self.parse_or()
        self.expect('end')
        return expr

    def parse_or(self):
        left = self.parse_and()
        while self.accept('name', 'or'):
            right = self.parse_and()
            left = (lambda a, b: lambda ctx: a(ctx) or b(ctx))(left, right)
        return left

    def parse_and(self):
        left = self.parse_not()
        while self.accept('name', 'and'):
            right = self.parse_not()
            left = (lambda a, b: lambda ctx: a(ctx) and b(ctx))(left, right)
        return left

    def parse_not(self):
        if self.accept('name', 'not'):
            operand = self.parse_not()
            return lambda ctx: not operand(ctx)
        return self.parse_comparison()

    COMPARISONS = {
        '==': lambda a, b: a == b, '!=': lambda a, b: a != b,
        '<': lambda a, b: a < b, '>': lambda a, b: a > b,
        '<=': lambda a, b: a <= b, '>=': lambda a, b: a >= b,
    }

    def parse_comparison(self):
        left = self.parse_sum()
        kind, value = self.peek()
        if kind == 'op' and value in self.COMPARISONS:
            self.take()
            right = self.parse_sum()
            op = self.COMPARISONS[value]
            return lambda ctx: op(left(ctx), right(ctx))
        if kind == 'name' and value == 'in':
            self.take()
            right = self.parse_sum()
            return lambda ctx: left(ctx) in right(ctx)
        return left

    def parse_sum(self):
        left = self.parse_product()
        while True:
            if self.accept('op', '+'):
                right = self.parse_product()
                left = (lambda a, b: lambda ctx: a(ctx) + b(ctx))(left, right)
            elif self.accept('op', '-'):
                right = self.parse_product()
                left = (lambda a, b: lambda ctx: a(ctx) - b(ctx))(left, right)
            else:
                return left

    def parse_product(self):
        left = self.parse_filtered()
        while True:
            if self.accept('op', '*'):
                right = self.parse_filtered()
                left = (lambda a, b: lambda ctx: a(ctx) * b(ctx))(left, right)
            elif self.accept('op', '%'):
                right = self.parse_filtered()
                left = (lambda a, b: lambda ctx: a(ctx) % b(ctx))(left, right)
            else:
                return left

    def parse_filtered(self):
        expr = self.parse_postfix()
        while self.accept('op', '|'):
            kind, name = self.take()
            if kind != 'name' or name not in self.filters:
                raise TemplateError(f'unknown filter {name!r}')
            func = self.filters[name]
            args = []
            if self.accept('op', '('):
                if not self.accept('op', ')'):
                    args.append(self.parse_or())
                    while self.accept('op', ','):
                        args.append(self.parse_or())
                    self.expect('op', ')')
            expr = (lambda e, f, a: lambda ctx: f(e(ctx),
                                                  *[x(ctx) for x in a]))(
                expr, func, tuple(args))
        return expr

    def parse_postfix(self):
        expr = self.parse_atom()
        while True:
            if self.accept('op', '.'):
                kind, attr = self.take()
                if kind != 'name':
                    raise TemplateError('expected an attribute name')
                expr = (lambda e, a: lambda ctx: lookup(e(ctx), a))(expr, attr)
            elif self.accept('op', '['):
                index = self.parse_or()
                self.expect('op', ']')
                expr = (lambda e, i: lambda ctx: e(ctx)[i(ctx)])(expr, index)
            else:
                return expr

    def parse_atom(self):
        kind, value = self.take()
        if kind in ('int', 'str'):
            return lambda ctx: value
        if kind == 'name':
            if value in ('true', 'false', 'none'):
                constant = {'true': True, 'false': False, 'none': None}[value]
                return lambda ctx: constant
            return lambda ctx: ctx[value] if value in ctx else Undefined
        if kind == 'op' and value == '(':
            expr = self.parse_or()
            self.expect('op', ')')
            return expr
        if kind == 'op' and value == '[':
            items = []
            if not self.accept('op', ']'):
                items.append(self.parse_or())
                while self.accept('op', ','):
                    items.append(self.parse_or())
                self.expect('op', ']')
            return lambda ctx: [item(ctx) for item in items]
        raise TemplateError(f'unexpected {value!r}')


class _Undefined:
    def __str__(self):
        return ''

    def __bool__(self):
        return False

    def __iter__(self):
        return iter(())


Undefined = _Undefined()


def lookup(obj, name):
    if isinstance(obj, dict):
        return obj.get(name, Undefined)
    return getattr(obj, name, Undefined)


class Markup(str):
    """A string that is already escaped."""


def escape(value):
    if isinstance(value, Markup):
        return value
    return Markup(str(value).replace('&', '&amp;').replace('<', '&lt;')
                  .replace('>', '&gt;').replace('"', '&quot;'))


def f_truncate(value, length=20):
    value = str(value)
    return value if len(value) <= length else value[:length - 3] + '...'


FILTERS = {
    'upper': lambda v: str(v).upper(),
    'lower': lambda v: str(v).lower(),
    'title': lambda v: str(v).title(),
    'length': len,
    'join': lambda v, sep='': sep.join(str(x) for x in v),
    'default': lambda v, d='': v if v is not Undefined and v != '' else d,
    'escape': escape,
    'safe': Markup,
    'truncate': f_truncate,
    'sum': sum,
    'sort': sorted,
    'first': lambda v: v[0] if v else Undefined,
    'round': lambda v, digits=0: round(v, digits),
    'format': lambda v, spec: format(v, spec),
}


# --- statements --------------------------------------------------------------

class LoopState:
    __slots__ = ('index', 'length')

    def __init__(self, length):
        self.index = 0
        self.length = length

    @property
    def first(self):
        return self.index == 1

    @property
    def last(self):
        return self.index == self.length


class Compiler:
    """Turns lexed items into one closure render(ctx, out)."""

    def __init__(self, items):
        self.items = items
        self.pos = 0

    def expression(self, tokens):
        return ExprParser(tokens, FILTERS).parse()

    def compile(self):
        body, end = self.block(())
        if end is not None:
            raise TemplateError(f'unexpected {{% {end} %}}')
        return body

    def block(self, terminators):
        """Compile items up to a tag in terminators; return (the block's
        closure, the terminating tag's name or None at the end)."""
        parts = []
        while self.pos < len(self.items):
            item = self.items[self.pos]
            self.pos += 1
            if item[0] == 'text':
                text = item[1]
                parts.append(lambda ctx, out, t=text: out.append(t))
            elif item[0] == 'out':
                expr = self.expression(item[1])
                parts.append(lambda ctx, out, e=expr:
                             out.append(escape(e(ctx))))
            else:
                name, tokens = item[1], item[2]
                if name in terminators:
                    self.last_tokens = tokens
                    return self.sequence(parts), name
                parts.append(self.statement(name, tokens))
        if terminators:
            raise TemplateError(f'missing {{% {terminators[-1]} %}}')
        return self.sequence(parts), None

    @staticmethod
    def sequence(parts):
        parts = tuple(parts)

        def run(ctx, out):
            for part in parts:
                part(ctx, out)
        return run

    def statement(self, name, tokens):
        if name == 'if':
            return self.if_statement(tokens)
        if name == 'for':
            return self.for_statement(tokens)
        if name == 'set':
            if tokens[0][0] != 'name' or tokens[1] != ('op', '='):
                raise TemplateError('bad set')
            target = tokens[0][1]
            expr = self.expression(tokens[2:])

            def assign(ctx, out):
                ctx[target] = expr(ctx)
            return assign
        raise TemplateError(f'unknown tag {name!r}')

    def if_statement(self, tokens):
        branches = []
        condition = self.expression(tokens)
        while True:
            body, end = self.block(('elif', 'else', 'endif'))
            branches.append((condition, body))
            if end == 'elif':
                condition = self.expression(self.last_tokens)
            elif end == 'else':
                body, end = self.block(('endif',))
                branches.append((lambda ctx: True, body))
                break
            else:
                break

        def run(ctx, out):
            for cond, body in branches:
                if cond(ctx):
                    body(ctx, out)
                    return
        return run

    def for_statement(self, tokens):
        if tokens[0][0] != 'name' or tokens[1] != ('name', 'in'):
            raise TemplateError('bad for')
        target = tokens[0][1]
        iterable = self.expression(tokens[2:])
        body, _ = self.block(('endfor',))

        def run(ctx, out):
            values = list(iterable(ctx))
            saved = ctx.get('loop', Undefined), ctx.get(target, Undefined)
            loop = LoopState(len(values))
            ctx['loop'] = loop
            for value in values:
                loop.index += 1
                ctx[target] = value
                body(ctx, out)
            ctx['loop'], ctx[target] = saved
        return run


class Template:
    def __init__(self, source):
        self.render_into = Compiler(lex(source)).compile()

    def render(self, **context):
        out = []
        self.render_into(dict(context), out)
        return ''.join(out)


# --- the templates and contexts rendered -------------------------------------

PAGE = '''<html><head><title>{{ title | title }}</title></head>
<body>
{# the user's box #}
<div class="user">{{ user.name | escape }} ({{ user.email | lower }})
{% if user.admin %}<b>admin</b>{% elif user.karma > 50 %}<i>trusted</i>
{% else %}member{% endif %}</div>
<ul>
{% for item in items %}  <li class="{% if loop.first %}first{#
  #}{% elif loop.last %}last{% else %}mid{% endif %}">
    {{ loop.index }}. {{ item.name | truncate(18) }}:
    {{ item.price * item.qty }}
    {% if item.tags %}[{{ item.tags | sort | join(', ') }}]{% endif %}
    {% for note in item.notes %}<em>{{ note | upper }}</em>{% endfor %}
  </li>
{% endfor %}</ul>
{% set total = items | length %}
<p>{{ total }} items, {{ user.karma % 7 }} points,
{{ missing | default('n/a') }}</p>
<p>{{ footer | safe }} {{ '<raw>' }} {{ (user.karma + 3) * 2 - 1 }}</p>
{% if not items or user.karma >= 90 and 'vip' in user.groups %}
<p>VIP</p>{% endif %}
</body></html>
'''

ROW = ('{% for row in rows %}<tr>{% for cell in row %}<td>'
       '{{ cell | format(\'>6\') }}</td>{% endfor %}</tr>\n{% endfor %}'
       '<tfoot>{{ rows | length }} rows, {{ rows[0] | sum }}</tfoot>')


class User:
    def __init__(self, k):
        self.name = f'User <{k}> & co'
        self.email = f'USER{k}@Example.ORG'
        self.admin = k % 11 == 0
        self.karma = k * 37 % 101
        self.groups = ['vip'] if k % 3 == 0 else ['staff', 'dev']


def make_context(k):
    items = []
    for j in range(3 + k % 6):
        items.append({
            'name': f'item number {j} of order {k}',
            'price': (j * 13 + k) % 50 + 1,
            'qty': 1 + (j + k) % 4,
            'tags': ['red', 'blue', 'sale', 'new'][: (j + k) % 5],
            'notes': ['fragile'] * (j % 2) + ['gift'] * (k % 2),
        })
    return {'title': f'order page {k}', 'user': User(k), 'items': items,
            'footer': '<hr/>'}


def bench_templates(n):
    """A Jinja-like template engine: regex lexer, recursive-descent
    expression parser, compilation to nested closures; if/elif/else, for
    loops, set, filters and escaping, rendering n contexts."""
    page = Template(PAGE)
    table = Template(ROW)
    h = 0
    size = 0
    for k in range(n):
        text = page.render(**make_context(k))
        if k % 4 == 0:
            rows = [[(r * 7 + c * k) % 997 for c in range(6)]
                    for r in range(4)]
            text += table.render(rows=rows)
        if k % 50 == 0:
            # Fresh templates now and then: lexing and compiling count too.
            text += Template(PAGE.replace('items', 'goods')).render(
                **{**make_context(k), 'goods': make_context(k + 1)['items']})
        size += len(text)
        for ch in text[::7]:
            h = (h * 131 + ord(ch)) % 1_000_000_007
    return f'{h} {size}'

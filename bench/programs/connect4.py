"""Connect four: alpha-beta search over bitboards with a transposition
table, iterative deepening, killer moves and a heuristic evaluation.

The board is 7 columns of 6 cells, each column stored in 7 bits of a
Python int (the seventh a sentinel), so a position is two ints: the cells
of the player to move and the occupied cells. Games are played from a
fixed list of openings, each move chosen by a search of fixed depth, and
the check value summarizes the moves chosen and the nodes searched.
"""

SIZE = 12
CALLGRIND_SIZE = 1

WIDTH = 7
HEIGHT = 6
H1 = HEIGHT + 1
BOTTOM = sum(1 << (c * H1) for c in range(WIDTH))
FULL = BOTTOM * ((1 << HEIGHT) - 1)
COLUMN_ORDER = (3, 2, 4, 1, 5, 0, 6)
WIN_SCORE = 1_000_000

EXACT, LOWER, UPPER = 0, 1, 2


def column_mask(col):
    return ((1 << HEIGHT) - 1) << (col * H1)


def top_mask(col):
    return 1 << (HEIGHT - 1 + col * H1)


def bottom_mask(col):
    return 1 << (col * H1)


COLUMN_MASKS = [column_mask(c) for c in range(WIDTH)]
TOP_MASKS = [top_mask(c) for c in range(WIDTH)]
BOTTOM_MASKS = [bottom_mask(c) for c in range(WIDTH)]


def has_four(bits):
    """Whether bits (one player's cells) hold four in a row."""
    for shift in (1, H1, H1 - 1, H1 + 1):
        m = bits & (bits >> shift)
        if m & (m >> (2 * shift)):
            return True
    return False


def all_lines():
    """Every line of four cells, as a mask."""
    lines = []
    for col in range(WIDTH):
        for row in range(HEIGHT):
            for dc, dr in ((1, 0), (0, 1), (1, 1), (1, -1)):
                cells = [(col + k * dc, row + k * dr) for k in range(4)]
                if all(0 <= c < WIDTH and 0 <= r < HEIGHT for c, r in cells):
                    mask = 0
                    for c, r in cells:
                        mask |= 1 << (c * H1 + r)
                    lines.append(mask)
    return lines


LINES = all_lines()
LINE_WEIGHTS = (0, 1, 8, 64, 0)


class Position:
    __slots__ = ('current', 'mask', 'moves')

    def __init__(self, current=0, mask=0, moves=0):
        self.current = current
        self.mask = mask
        self.moves = moves

    def copy(self):
        return Position(self.current, self.mask, self.moves)

    def can_play(self, col):
        return not self.mask & TOP_MASKS[col]

    def play(self, col):
        self.current ^= self.mask
        self.mask |= self.mask + BOTTOM_MASKS[col]
        self.moves += 1

    def is_winning_move(self, col):
        bits = self.current | ((self.mask + BOTTOM_MASKS[col])
                               & COLUMN_MASKS[col])
        return has_four(bits)

    def key(self):
        # Unique per position: the current player's cells plus the
        # occupied cells shifted onto the bottom sentinel row.
        return self.current + self.mask + BOTTOM

    def evaluate(self):
        """A heuristic score for the player to move: lines still open to
        one side, weighted by how full they are."""
        mine = self.current
        theirs = self.current ^ self.mask
        score = 0
        for line in LINES:
            a = mine & line
            b = theirs & line
            if a and not b:
                score += LINE_WEIGHTS[bin(a).count('1')]
            elif b and not a:
                score -= LINE_WEIGHTS[bin(b).count('1')]
        return score

    def render(self):
        rows = []
        for row in range(HEIGHT - 1, -1, -1):
            line = ''
            for col in range(WIDTH):
                bit = 1 << (col * H1 + row)
                if not self.mask & bit:
                    line += '.'
                elif self.current & bit:
                    line += 'x' if self.moves % 2 == 0 else 'o'
                else:
                    line += 'o' if self.moves % 2 == 0 else 'x'
            rows.append(line)
        return '\n'.join(rows)


class Entry:
    __slots__ = ('depth', 'score', 'flag', 'move')

    def __init__(self, depth, score, flag, move):
        self.depth = depth
        self.score = score
        self.flag = flag
        self.move = move


class Searcher:
    def __init__(self, table_limit=200_000):
        self.table = {}
        self.table_limit = table_limit
        self.killers = {}
        self.nodes = 0
        self.hits = 0

    def ordered_moves(self, pos, hint):
        moves = [c for c in COLUMN_ORDER if pos.can_play(c)]
        killer = self.killers.get(pos.moves)
        for first in (killer, hint):
            if first is not None and first in moves:
                moves.remove(first)
                moves.insert(0, first)
        return moves

    def negamax(self, pos, depth, alpha, beta):
        self.nodes += 1
        if pos.moves == WIDTH * HEIGHT:
            return 0
        for col in range(WIDTH):
            if pos.can_play(col) and pos.is_winning_move(col):
                return WIN_SCORE - pos.moves
        if depth == 0:
            return pos.evaluate()

        key = pos.key()
        entry = self.table.get(key)
        hint = None
        if entry is not None:
            hint = entry.move
            if entry.depth >= depth:
                self.hits += 1
                if entry.flag == EXACT:
                    return entry.score
                if entry.flag == LOWER and entry.score > alpha:
                    alpha = entry.score
                elif entry.flag == UPPER and entry.score < beta:
                    beta = entry.score
                if alpha >= beta:
                    return entry.score

        original_alpha = alpha
        best, best_move = -WIN_SCORE * 2, None
        for col in self.ordered_moves(pos, hint):
            child = pos.copy()
            child.play(col)
            score = -self.negamax(child, depth - 1, -beta, -alpha)
            if score > best:
                best, best_move = score, col
            if score > alpha:
                alpha = score
            if alpha >= beta:
                self.killers[pos.moves] = col
                break

        if best <= original_alpha:
            flag = UPPER
        elif best >= beta:
            flag = LOWER
        else:
            flag = EXACT
        if len(self.table) >= self.table_limit:
            self.table.clear()
        self.table[key] = Entry(depth, best, flag, best_move)
        return best

    def best_move(self, pos, max_depth):
        """Iterative deepening; the best move of the deepest search."""
        move, score = None, 0
        for depth in range(1, max_depth + 1):
            alpha, beta = -WIN_SCORE * 2, WIN_SCORE * 2
            best_here = None
            for col in self.ordered_moves(pos, move):
                child = pos.copy()
                child.play(col)
                value = -self.negamax(child, depth - 1, -beta, -alpha)
                if best_here is None or value > alpha:
                    alpha, best_here = value, col
            move, score = best_here, alpha
            if abs(score) >= WIN_SCORE - WIDTH * HEIGHT:
                break
        return move, score


OPENINGS = [
    (3, 3, 3, 3), (2, 4, 3), (0, 6, 1, 5), (3, 2, 4, 1), (6, 6, 5),
    (1, 1, 2, 2), (4, 3, 4), (5, 0), (3, 4, 2, 5, 1), (0, 0, 0),
    (2, 2, 3, 4, 4), (6, 5, 4, 3),
]


def play_game(opening, depth, searcher, max_moves):
    pos = Position()
    for col in opening:
        pos.play(col)
    chosen = []
    winner = '-'
    for _ in range(max_moves):
        move, score = searcher.best_move(pos, depth)
        if move is None:
            break
        chosen.append(move)
        if pos.is_winning_move(move):
            winner = 'x' if pos.moves % 2 == 0 else 'o'
            pos.play(move)
            break
        pos.play(move)
        if pos.moves == WIDTH * HEIGHT:
            break
    return chosen, winner, pos


def bench_connect4(n):
    """Connect four: alpha-beta (negamax) over int bitboards with a
    transposition table, iterative deepening and killer moves; n games
    from fixed openings, each move a depth-4 search."""
    digest = 0
    summary = []
    nodes = hits = 0
    for game in range(n):
        searcher = Searcher()
        opening = OPENINGS[game % len(OPENINGS)]
        chosen, winner, pos = play_game(opening, 4, searcher, 6)
        for move in chosen:
            digest = (digest * 7 + move) % 1_000_000_007
        for k, char in enumerate(pos.render()):
            digest = (digest * 3 + k * ord(char)) % 1_000_000_007
        summary.append(winner)
        nodes += searcher.nodes
        hits += searcher.hits
    return f'{digest} {"".join(summary)} {nodes} {hits}'

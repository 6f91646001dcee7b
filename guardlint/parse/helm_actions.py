"""What each action of a Helm chart's template does to the text Helm renders, and the renderings
to judge where control actions choose between alternatives.

text/template's control actions (`if`, `with`, `range`, their `else`, `else if` and `else with`
branches, `end`) print nothing but choose which text between them Helm renders; a `define`'s
body renders nowhere it is written (it only names a template for `include`, whose value is
unknown), nor does a `block`'s: a block prints the template of its name, which any file of the
chart, a subchart or a library chart can define anew (Helm parses them all into one set, where a
later non-empty definition replaces the block's body), so what it prints is unknown. A chain of
branches takes one of them, a `range` zero passes (its `else`) or more (one judged: more repeat
the same lines, which YAML reads as duplicate keys of equal values). A `break` or `continue`
leaves the rest of its pass unrendered (the innermost range's for a `break`, also in that
range's `else`; for a `continue`, the innermost range whose body holds it). A condition Helm
decides without values (`true`, `false`, a string or number literal, `not` of one:
text/template's truth) leaves only the branches Helm can take.

`Variants` are the renderings judged: in variant `i` each chain takes a branch chosen by `i`, so
that every branch Helm can take is in at least one variant, also inside the branches of another
chain and after a `break` or `continue` some variants take (a chain needs as many variants as
its branches need together, a run of text as many as its most demanding chain needs after the
variants that left it before that chain). A template that needs more than MAX_VARIANTS, or
whose control actions text/template refuses (an `end` without a chain, an `else` after the
last, a chain never ended, a `define` inside another action, `break` or `continue` outside a
range's body in the same template), is not judged: Helm renders nothing from the latter. Nor is
one with a `define` named as a template file may be (`_may_name_a_file`).
"""

from __future__ import annotations

from guardlint.parse.helm_pipelines import CHAINS, Action, constant_truth, string_literal

MAX_VARIANTS = 8

# What Helm names every template file holds (`<chart>/templates/<path>`, a subchart's
# `<chart>/charts/<name>/templates/<path>`).
_FILE_NAME_PART = "templates/"


def _may_name_a_file(pipeline: str) -> bool:
    """Whether a define of this name may replace a template file's whole text (its own where
    nothing else is written there: text/template keeps the define's tree for the name), or is
    no name text/template accepts."""
    name = string_literal(pipeline)
    return name is None or _FILE_NAME_PART in name


# The actions that leave a range's pass where they are written: `break` ends the range,
# `continue` the pass (one pass is judged: the rest of it is not rendered either way).
_UNWINDS = ("break", "continue")


class _Run:
    """The variants one run of text (a branch's, or the whole template's) needs, read action
    by action: in variants [0, len(ends)) a `break` or `continue` (its keyword in `ends`) leaves
    the run before its end; the others, up to `need`, reach its end (none when `going` is
    False: every variant that reaches some unwinding takes it)."""

    __slots__ = ("ends", "going", "need")

    def __init__(self) -> None:
        self.ends: list[str] = []
        self.need = 1
        self.going = True

    def add_chain(self, chain: _Chain) -> None:
        """A chain read in the run: the variants that reach it (from `chain.offset` on; those
        before it left the run) take its variants in turn."""
        chain.offset = len(self.ends)
        if not self.going:
            return  # after an unwinding every variant takes: never rendered
        self.ends += chain.leaving
        going = len(chain.slots) - len(chain.leaving)
        if going:
            self.need = max(self.need, len(self.ends) + going)
        else:
            self._stop(chain.leaving[-1])

    def add_unwind(self, keyword: str) -> None:
        """A `break` or `continue` read in the run: every variant that reaches it leaves."""
        if self.going:
            self.need = max(self.need, len(self.ends) + 1)
            self._stop(keyword)

    def _stop(self, keyword: str) -> None:
        self.need = max(self.need, len(self.ends))
        self.ends += [keyword] * (self.need - len(self.ends))
        self.going = False


class _Chain:
    """One chain of branches as it is read (each branch's condition and run), then the
    variants it needs (`slots`: the branch each takes, and its variant inside that): first
    those that leave the run around it (the unwinding's keyword of each in `leaving`), then
    those that go on after it."""

    __slots__ = ("closed", "conditions", "keyword", "leaving", "offset", "past", "runs", "slots")

    def __init__(self, keyword: str, pipeline: str) -> None:
        self.keyword = keyword
        self.conditions: list[str | None] = [pipeline]
        self.runs = [_Run()]
        self.closed = keyword in ("define", "block")  # no else branch
        self.offset = 0  # the variant of the run around it that is its first
        self.slots: list[tuple[int, int]] = []
        self.leaving: list[str] = []
        # Past its last variant: this branch and variant, and whether the variants after it in
        # that branch go on too (then they are taken in turn).
        self.past = (-1, 0, False)

    def branch(self, condition: str | None) -> None:
        self.conditions.append(condition)
        self.runs.append(_Run())

    def finish(self) -> int:
        """The variants the branches Helm can take need (the implicit empty one last); a
        define's or block's body renders nowhere here: one variant, which takes no branch."""
        if not self.closed:  # no else: a branch that renders nothing
            self.branch(None)
        if self.keyword in ("define", "block"):
            self.slots.append((-1, 0))
            return 1
        possible = self._possible()
        total = sum(run.need for _, run in possible)
        if total > MAX_VARIANTS:
            return total
        going: list[tuple[int, int]] = []
        for branch, run in possible:
            ends = run.ends
            if not ends:  # nearly every branch: every variant goes on
                going += ((branch, inner) for inner in range(run.need))
                continue
            for inner in range(run.need):
                if inner < len(ends) and not self._catches(branch, ends[inner]):
                    self.slots.append((branch, inner))
                    self.leaving.append(ends[inner])
                else:
                    going.append((branch, inner))
        self.slots += going
        self.past = self._past(going)
        return total

    def _possible(self) -> list[tuple[int, _Run]]:
        """The branches Helm can take, with their runs."""
        if self.keyword == "range":  # no condition to decide
            return list(enumerate(self.runs))
        possible = []
        for branch, (condition, run) in enumerate(zip(self.conditions, self.runs, strict=True)):
            truth = True if condition is None else constant_truth(condition)
            if truth is not False:
                possible.append((branch, run))
            if truth:
                break  # a condition that holds: the branches after it are never taken
        return possible

    def _catches(self, branch: int, keyword: str) -> bool:
        """An unwinding that ends at this chain: text/template's range catches a `break` in
        its body or its else, a `continue` only in its body (one in the else is the enclosing
        range's)."""
        return self.keyword == "range" and (branch == 0 or keyword == "break")

    def _past(self, going: list[tuple[int, int]]) -> tuple[int, int, bool]:
        """The last variant that reaches its branch's end (those after it in the branch do
        too), else the last that goes on, else the last."""
        for branch, inner in reversed(going):
            if inner >= len(self.runs[branch].ends):
                return branch, inner, True
        branch, inner = going[-1] if going else self.slots[-1]
        return branch, inner, False

    def choose(self, variant: int) -> tuple[int, int]:
        """The branch variant `variant` of this chain takes, and its variant inside that."""
        if variant < len(self.slots):
            return self.slots[variant]
        branch, inner, further = self.past
        return branch, inner + (variant - len(self.slots) + 1 if further else 0)


class Variants:
    """The renderings of a template whose actions are `actions` (comments as None): for each,
    which printing actions and which texts between actions (n + 1 of them) it keeps.
    `unwinds`: for each `break` and `continue`, the depth of the range whose branch it leaves
    (text/template's: the innermost range for a `break`, the innermost whose body holds it for
    a `continue`)."""

    def __init__(
        self,
        actions: list[Action | None],
        chains: dict[int, _Chain],
        unwinds: dict[int, int],
        count: int,
    ) -> None:
        self.actions = actions
        self.chains = chains
        self.unwinds = unwinds
        self.count = count

    def kept(self, variant: int) -> tuple[list[bool], list[bool]]:
        """(each text between actions kept, each action kept) in `variant`; linear."""
        texts: list[bool] = []
        actions: list[bool] = []
        # For each chain entered: (it, the branch taken, the branch now, active, variant) of
        # the enclosing branch.
        open_chains: list[tuple[_Chain, int, list[int], bool, int]] = []
        active, local = True, variant
        unwinding = -1  # the depth of the chain whose branch an unwinding taken leaves
        for index, action in enumerate(self.actions):
            texts.append(active)
            actions.append(active)
            keyword = None if action is None else action.keyword
            if keyword in CHAINS:
                chain = self.chains[index]
                taken, inner = chain.choose(local - chain.offset) if active else (-1, 0)
                open_chains.append((chain, taken, [0], active, local))
                active, local = active and taken == 0, inner
            elif keyword in ("else", "else if", "else with"):
                _, taken, now, outer_active, _ = open_chains[-1]
                now[0] += 1
                if unwinding == len(open_chains) - 1:
                    unwinding = -1
                active = outer_active and taken == now[0] and unwinding < 0
            elif keyword == "end":
                _, _, _, active, local = open_chains.pop()
                if unwinding == len(open_chains):
                    unwinding = -1
                active = active and unwinding < 0
            elif keyword in _UNWINDS and active:
                unwinding, active = self.unwinds[index], False
        texts.append(active)
        return texts, actions


def variants(actions: list[Action | None]) -> Variants | None:
    """The renderings to judge; None where text/template refuses the control actions, a define
    may replace a file or more than MAX_VARIANTS are needed."""
    chains: dict[int, _Chain] = {}
    unwinds: dict[int, int] = {}
    open_chains: list[_Chain] = []
    top = _Run()
    # The depths of the open ranges, of those whose body is being read, and of the open
    # defines and blocks (each parsed as a template of its own, where no range is open).
    ranges: list[int] = []
    bodies: list[int] = []
    templates: list[int] = [-1]
    for index, action in enumerate(actions):
        keyword = None if action is None else action.keyword
        if keyword is None:
            continue
        pipeline = action.pipeline
        if keyword in CHAINS:
            if not pipeline or (keyword == "define" and open_chains):
                return None  # `missing value for if`; a define inside a chain
            if keyword == "define" and _may_name_a_file(pipeline):
                return None
            depth = len(open_chains)
            if keyword == "range":
                ranges.append(depth)
                bodies.append(depth)
            elif keyword in ("define", "block"):
                templates.append(depth)
            chains[index] = _Chain(keyword, pipeline)
            open_chains.append(chains[index])
        elif keyword.startswith("else"):
            chain = open_chains[-1] if open_chains else None
            if chain is None or chain.closed or (keyword != "else" and not pipeline):
                return None
            if keyword != "else" and keyword[5:] != chain.keyword:
                return None  # `else if` is an if's, `else with` a with's
            if keyword == "else" and pipeline:
                return None
            if chain.keyword == "range":
                bodies.pop()  # `break` and `continue` in its else are an enclosing range's
            chain.branch(pipeline or None)
            chain.closed = keyword == "else"
        elif pipeline:
            return None  # `end`, `break` and `continue` take nothing
        elif keyword == "end":
            if not open_chains:
                return None
            ended = open_chains.pop()
            if ended.keyword == "range":
                ranges.pop()
                if bodies and bodies[-1] == len(open_chains):
                    bodies.pop()  # not at an else
            elif ended.keyword in ("define", "block"):
                templates.pop()
            if ended.finish() > MAX_VARIANTS:
                return None
            run = open_chains[-1].runs[-1] if open_chains else top
            run.add_chain(ended)
            if len(run.ends) > MAX_VARIANTS:
                return None  # the chain around it needs more
        else:  # break or continue: inside a range's body, in the template being read
            if not bodies or bodies[-1] < templates[-1]:
                return None
            unwinds[index] = ranges[-1] if keyword == "break" else bodies[-1]
            open_chains[-1].runs[-1].add_unwind(keyword)
    if open_chains:
        return None
    return Variants(actions, chains, unwinds, top.need)

"""Every code block of the seed documents (tests/data/seeds, the study notes) runs on ember and
prints what PyTorch 2.13 prints.

The extractor below pulls every Python code block out of each seed, in order: notebook cells
(``In [n]:`` followed by the code, then the printed output) and markdown ```python fences.
A document's blocks run cumulatively in one namespace, as a notebook does, once with ``torch``
bound to real PyTorch and once with ``torch`` (and ``torch.nn``, ``torch.optim``, ...) bound to
ember. Each block's stdout and exception (type) must be the same; where a notebook cell shows its
output in the seed, that output must start ember's (the notes sometimes cut a long log short).

How blocks run (the same for both frameworks):
- every document starts from ``PRELUDE`` (the imports the notes assume: ``nn``, ``F``, ``optim``)
  and ``torch.manual_seed(DOCUMENT_SEED)``: PyTorch seeds its default generator at random at
  start-up, so a block that draws random numbers without seeding is only reproducible this way;
- notebook cells display the value of their last expression (Jupyter), markdown blocks display
  every top-level expression's value (a REPL), so a block of bare ``torch.zeros(2, 3)`` lines
  is compared by what it shows.

Blocks that cannot run (fragments using names the notes never define, pseudo-code) are listed in
``NOT_RUNNABLE`` with the reason; their test checks that PyTorch still fails the same way and that
ember fails identically up to that point, so a change that makes one runnable shows up here.

``python -m tests.test_seed_blocks`` prints the table of every block and its status.
"""
import ast
import builtins
import contextlib
import importlib
import io
import pathlib
import re
import sys
import warnings

import pytest

import ember

SEEDS = pathlib.Path(__file__).parent / 'data' / 'seeds'
PRELUDE = ('import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'
           'import torch.optim as optim\n')
DOCUMENT_SEED = 0
CELL_MARKER = re.compile(r'^In \[(\d+)\]:\s*$')
ADDRESS = re.compile(r'0x[0-9a-fA-F]+')

# Block id -> why it cannot run: the error PyTorch itself raises on it ('NameError: <name>' or
# 'SyntaxError'), then why.
NOT_RUNNABLE = {
    '000-md1': 'NameError: w1 (fragment: the weights are written as placeholders w1, w2, w3)',
    '000-md2': 'NameError: X (fragment: data X, Y and criterion are never defined)',
    '000-md3': 'SyntaxError (pseudo-code: × and ∂ in the update formulas)',
    '000-md4': 'NameError: cost (fragment: no loss is computed before cost.backward())',
    '003-md2': 'NameError: transforms (torchvision, not part of torch; never imported)',
    '003-md3': 'NameError: x (fragment: x of shape [64, 1, 28, 28] is never defined)',
    '003-md7': 'NameError: predictions (fragment: predictions, targets are never defined)',
    '003-md8': 'NameError: model (fragment: SimpleNN is defined but never instantiated)',
    '003-md9': 'NameError: optimizer (fragment: the optimizer of md8 was never created)',
    '003-md10': 'NameError: dataloader (fragment: no dataset or dataloader is defined)',
    '003-md11': 'NameError: model (fragment: GradScaler and autocast run, then no model)',
    '003-md12': 'NameError: DataLoader (fragment: not imported; dataset never defined)',
    '003-md13': 'NameError: model (fragment: no model to torch.compile)',
    '003-md14': 'NameError: model (fragment: no model whose gradient norm to take)',
}

# Blocks where both frameworks raise the same non-name error (the block is wrong, not ember).
BOTH_ERROR = {
    '003-md6': "TypeError: F.relu(input) passes Python's builtin input function, not a tensor",
}

# Blocks whose output depends on torch.cuda.is_available(): compared only where both agree.
CUDA_DEPENDENT = {'003-md15', '004-md2'}

# Notebook cells followed by their printed output in the seed.
CELLS_WITH_OUTPUT = ['001-In[3]', '001-In[4]', '001-In[5]', '001-In[6]', '001-In[7]', '001-In[8]',
                     '001-In[17]', '001-In[14]', '001-In[16]']

# Notebook cells whose output shown in the seed is not what PyTorch 2.13 prints.
SEED_SHOWN_DIFFERS = {
    '001-In[3]': 'the notes show an older repr, <torch._C.Generator at 0x...> (no "object")',
}


# ---- extraction -----------------------------------------------------------------------------
class Block:
    """One code block of a seed: its id, source, kind ('cell' or 'md') and shown output lines."""

    def __init__(self, ident, source, kind, shown=None):
        self.ident, self.source, self.kind, self.shown = ident, source, kind, shown

    def __repr__(self):
        return f'Block({self.ident})'


def _parses(source):
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _is_code(paragraph):
    """Whether a paragraph after a cell's first one continues its code: it is indented (a loop
    body), or it parses (possibly as the header of a compound statement whose body follows)
    and is not just reprs such as ``tensor([1.])`` or ``torch.Size([3])`` (printed output)."""
    if paragraph[0][:1].isspace():
        return True
    text = '\n'.join(paragraph)
    tree = _parses(text) or _parses(text + '\n    pass')
    if tree is None or not tree.body:
        return False
    return not all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                   and ast.unparse(s.value.func) in ('tensor', 'torch.Size') for s in tree.body)


def _paragraphs(lines, start):
    """Blank-line separated paragraphs from ``lines[start:]`` up to the next cell marker."""
    out, current = [], []
    for line in lines[start:]:
        if CELL_MARKER.match(line):
            break
        if line.strip():
            current.append(line.rstrip())
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _cell(lines, start):
    """The code of the cell whose marker is at ``lines[start - 1]`` and the paragraph after it
    (the cell's output when the cell prints anything): the longest run of code paragraphs
    that parses as a whole."""
    paragraphs = _paragraphs(lines, start)
    n = 1
    while n < len(paragraphs) and _is_code(paragraphs[n]):
        n += 1
    while n > 1 and _parses('\n\n'.join('\n'.join(p) for p in paragraphs[:n])) is None:
        n -= 1
    source = '\n\n'.join('\n'.join(p) for p in paragraphs[:n]) + '\n'
    return source, paragraphs[n] if n < len(paragraphs) else None


def extract(path):
    """Every Python code block of one seed document, in order."""
    lines = path.read_text(encoding='utf-8').split('\n')
    doc = path.name[:3]
    blocks, fence, md = [], None, 0
    for i, line in enumerate(lines):
        if fence is not None:
            if line.strip() == '```':
                md += 1
                blocks.append(Block(f'{doc}-md{md}', '\n'.join(fence) + '\n', 'md'))
                fence = None
            else:
                fence.append(line)
        elif line.strip() == '```python':
            fence = []
        elif CELL_MARKER.match(line):
            source, after = _cell(lines, i + 1)
            n = CELL_MARKER.match(line).group(1)
            blocks.append(Block(f'{doc}-In[{n}]', source, 'cell', after))
    return blocks


DOCUMENTS = {path.name[:3]: extract(path) for path in sorted(SEEDS.glob('*.txt'))}
ALL_BLOCKS = [block for blocks in DOCUMENTS.values() for block in blocks]


# ---- running --------------------------------------------------------------------------------
class Outcome:
    """What a block did: its stdout and the exception it raised (type name and message)."""

    def __init__(self, stdout, error=None, message=''):
        self.stdout, self.error, self.message = stdout, error, message

    def __repr__(self):
        return f'Outcome(error={self.error}: {self.message})'


def _display(value):
    if value is not None:
        print(repr(value))


def run_block(block, namespace):
    """Run ``block`` in ``namespace``; notebook cells show their last expression's value,
    markdown blocks every top-level expression's value."""
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter('ignore')
            tree = ast.parse(block.source, filename=f'<{block.ident}>')
            for k, stmt in enumerate(tree.body):
                shown = block.kind == 'md' or k == len(tree.body) - 1
                if isinstance(stmt, ast.Expr) and shown:
                    code = compile(ast.Expression(stmt.value), f'<{block.ident}>', 'eval')
                    _display(eval(code, namespace))
                else:
                    exec(compile(ast.Module([stmt], []), f'<{block.ident}>', 'exec'), namespace)
    except Exception as exc:                         # the outcome we compare, not a test failure
        return Outcome(buf.getvalue(), type(exc).__name__, str(exc).split('\n')[0])
    return Outcome(buf.getvalue())


class _NoTorchModule:
    """Meta-path finder used while ``torch`` is ember: a ``torch.x`` that ember does not have
    fails to import instead of being loaded a second time from ember's package path."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == 'torch' or name.startswith('torch.'):
            raise ModuleNotFoundError(f'No module named {name!r} (ember has no ember{name[5:]})',
                                      name=name)
        return None


EMBER_SUBMODULES = ('ember.nn.functional', 'ember.optim.lr_scheduler', 'ember.utils.data',
                    'ember.cuda.amp', 'ember.amp')


@contextlib.contextmanager
def torch_bound_to_ember():
    """``import torch`` (and ``torch.nn``, ``torch.optim`` ...) gives ember's modules."""
    for name in EMBER_SUBMODULES:
        importlib.import_module(name)
    saved = {k: v for k, v in sys.modules.items() if k == 'torch' or k.startswith('torch.')}
    for k in saved:
        del sys.modules[k]
    for k, v in list(sys.modules.items()):
        if k == 'ember' or k.startswith('ember.'):
            sys.modules['torch' + k[5:]] = v
    sys.meta_path.insert(0, _NoTorchModule)
    try:
        yield
    finally:
        sys.meta_path.remove(_NoTorchModule)
        for k in [k for k in sys.modules if k == 'torch' or k.startswith('torch.')]:
            del sys.modules[k]
        sys.modules.update(saved)


def run_document(blocks, framework):
    """Run a document's blocks in order in one fresh namespace; ``framework`` is 'torch' or
    'ember'. Returns one Outcome per block."""
    namespace = {'__name__': '__main__', '__builtins__': builtins}
    binding = torch_bound_to_ember() if framework == 'ember' else contextlib.nullcontext()
    with binding:
        exec(PRELUDE, namespace)
        namespace['torch'].manual_seed(DOCUMENT_SEED)
        return [run_block(block, namespace) for block in blocks]


def status(torch_out, ember_out):
    """The block's status in the table."""
    if torch_out.error in ('NameError', 'SyntaxError'):
        return 'not runnable'
    if torch_out.error:
        return 'both error' if ember_out.error == torch_out.error else 'ember differs on error'
    if ember_out.error:
        return 'ember error'
    same = normalized(ember_out.stdout) == normalized(torch_out.stdout)
    return 'same output' if same else 'different output'


def normalized(text):
    return ADDRESS.sub('0x?', text)


# ---- tests ----------------------------------------------------------------------------------
def compute_outcomes():
    """{block id: (torch's outcome, ember's outcome)}."""
    result = {}
    for blocks in DOCUMENTS.values():
        pairs = zip(run_document(blocks, 'torch'), run_document(blocks, 'ember'))
        result.update({b.ident: pair for b, pair in zip(blocks, pairs)})
    return result


@pytest.fixture(scope='module')
def outcomes():
    """Both frameworks' outcomes, computed once per test run (not cached on disk)."""
    pytest.importorskip('torch')
    return compute_outcomes()


def test_extractor_finds_every_block():
    counts = {doc: [b.ident for b in blocks] for doc, blocks in DOCUMENTS.items()}
    assert counts['001'] == [f'001-In[{n}]' for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 14, 16)]
    assert counts['000'] == [f'000-md{n}' for n in range(1, 5)]
    assert counts['002'] == []
    assert counts['003'] == [f'003-md{n}' for n in range(1, 22)]
    assert counts['004'] == [f'004-md{n}' for n in range(1, 5)]
    cell17 = next(b for b in DOCUMENTS['001'] if b.ident == '001-In[17]')
    seed_text = (SEEDS / '001_e7a531c01e9e73ef.txt').read_text(encoding='utf-8')
    assert cell17.source.rstrip() in seed_text                # contiguous, blank lines kept
    assert cell17.source.startswith('# 데이터\n') and cell17.source.endswith('        ))\n')
    assert cell17.shown[0] == 'Epoch    0/2000 W: 0.187, b: 0.080 Cost: 18.666666'


@pytest.mark.parametrize('ident', [b.ident for b in ALL_BLOCKS
                                   if b.ident not in NOT_RUNNABLE and b.ident not in BOTH_ERROR])
def test_block_prints_what_torch_prints(outcomes, ident):
    torch = pytest.importorskip('torch')
    if ident in CUDA_DEPENDENT and ember.cuda.is_available() != torch.cuda.is_available():
        pytest.skip('ember and this PyTorch build disagree on CUDA availability')
    torch_out, ember_out = outcomes[ident]
    assert torch_out.error is None, f'{ident} no longer runs on torch: {torch_out}'
    assert ember_out.error is None, f'{ident} fails on ember: {ember_out}'
    assert normalized(ember_out.stdout) == normalized(torch_out.stdout)


@pytest.mark.parametrize('ident', sorted(NOT_RUNNABLE) + sorted(BOTH_ERROR))
def test_failing_block_fails_the_same_way(outcomes, ident):
    torch_out, ember_out = outcomes[ident]
    reason = NOT_RUNNABLE.get(ident) or BOTH_ERROR[ident]
    expected, name = re.match(r'(\w+)(?:: (\w+))?', reason).groups()
    assert torch_out.error == expected, f'{ident} now behaves differently on torch: {torch_out}'
    if expected == 'NameError':
        assert torch_out.message == f"name '{name}' is not defined"
    assert (ember_out.error, ember_out.message) == (torch_out.error, torch_out.message)
    assert normalized(ember_out.stdout) == normalized(torch_out.stdout)


@pytest.mark.parametrize('ident', [b.ident for b in ALL_BLOCKS if b.kind == 'cell'])
def test_cell_prints_the_output_the_seed_shows(outcomes, ident):
    """Cells in CELLS_WITH_OUTPUT print the paragraph the seed shows after them (or more lines:
    the notes cut cell 17's log short); the others print nothing (prose follows them)."""
    block = next(b for b in ALL_BLOCKS if b.ident == ident)
    stdout = outcomes[ident][1].stdout
    if ident not in CELLS_WITH_OUTPUT:
        assert stdout == ''
        return
    printed = stdout.rstrip('\n').split('\n')
    if ident in SEED_SHOWN_DIFFERS:
        assert normalized(printed[0]) != normalized(block.shown[0])
        return
    assert printed[:len(block.shown)] == block.shown


def table(result):
    """The status of every block: [(id, status, detail)]."""
    rows = []
    for block in ALL_BLOCKS:
        torch_out, ember_out = result[block.ident]
        kind = status(torch_out, ember_out)
        if kind == 'not runnable':
            detail = NOT_RUNNABLE.get(block.ident, f'{torch_out.error}: {torch_out.message}')
        elif kind in ('ember error', 'both error', 'ember differs on error'):
            detail = f'torch: {torch_out.error} ember: {ember_out.error}: {ember_out.message}'
        else:
            detail = '' if torch_out.stdout else '(prints nothing)'
        rows.append((block.ident, kind, detail))
    return rows


if __name__ == '__main__':
    import collections
    rows = table(compute_outcomes())
    for row in rows:
        print('%-10s %-18s %s' % row)
    print(dict(collections.Counter(kind for _, kind, _ in rows)))

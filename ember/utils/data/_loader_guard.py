"""Detect a missing ``if __name__ == '__main__':`` guard before starting spawned workers.

With the ``spawn`` (and ``forkserver``) start method each worker re-imports the main
script. If the code that iterates the DataLoader runs at the script's top level, the
re-import would start workers again; multiprocessing then fails inside the child with a
message about the "bootstrapping phase", and the parent only sees a worker that exited.
``check_main_guard`` finds that situation in the parent (the main script's top-level frame
on the call stack, at a line outside a ``__name__ == '__main__'`` block) and raises a clear
RuntimeError instead.

>>> check_main_guard('spawn')     # doctests do not run from a script's top level
"""
import ast
import linecache
import multiprocessing
import sys


def _is_main_test(test):
    """``'=='`` or ``'!='`` when ``test`` compares ``__name__`` with ``'__main__'``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return '==' if any(_is_main_test(v) == '==' for v in test.values) else None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Eq, ast.NotEq))):
        return None
    sides = (test.left, test.comparators[0])
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == '__name__']
    consts = [s for s in sides if isinstance(s, ast.Constant) and s.value == '__main__']
    if names and consts:
        return '==' if isinstance(test.ops[0], ast.Eq) else '!='
    return None


def _span(stmts):
    return (stmts[0].lineno, stmts[-1].end_lineno) if stmts else (0, -1)


def _guarded(stmts, line):
    """Whether ``line`` lies inside a ``__name__ == '__main__'`` block of ``stmts``
    (None when no statement covers the line)."""
    for stmt in stmts:
        if not stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            continue
        if isinstance(stmt, ast.If):
            kind = _is_main_test(stmt.test)
            lo, hi = _span(stmt.body)
            in_body = lo <= line <= hi
            if kind == '==':
                return in_body or _guarded(stmt.orelse, line) is True
            if kind == '!=':
                return not in_body
        blocks = [getattr(stmt, name, None) for name in ('body', 'orelse', 'finalbody')]
        blocks += [h.body for h in getattr(stmt, 'handlers', ())]
        for block in blocks:
            if block:
                inner = _guarded(block, line)
                if inner is not None:
                    return inner
        return False
    return None


def _unguarded_line():
    """``(filename, line)`` of the main script's top-level statement running now, when it
    is outside a main guard; else None (also when the source cannot be read)."""
    main = sys.modules.get('__main__')
    if main is None or getattr(main, '__file__', None) is None:
        return None          # interactive session or ``python -c``: nothing is re-imported
    main_dict = main.__dict__
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main_dict and frame.f_code.co_name == '<module>':
            break
        frame = frame.f_back
    if frame is None:
        return None
    filename, line = frame.f_code.co_filename, frame.f_lineno
    key = (filename, line)
    if key not in _cache:
        try:
            tree = ast.parse(''.join(linecache.getlines(filename)))
            _cache[key] = _guarded(tree.body, line) is False
        except (SyntaxError, ValueError):
            _cache[key] = False
    return key if _cache[key] else None


_cache = {}    # (filename, line) -> whether that top-level line is unguarded


def check_main_guard(start_method):
    """Raise RuntimeError when workers started with ``start_method`` would re-run the
    main script's unguarded top-level code (see the module docstring)."""
    if getattr(multiprocessing.current_process(), '_inheriting', False):
        raise RuntimeError(
            'A DataLoader with worker processes was started while this worker process was '
            'still importing the main module. With the '
            f"'{start_method}' start method every worker re-imports the main script, so the "
            "code that iterates the DataLoader must be under `if __name__ == '__main__':`.")
    where = _unguarded_line()
    if where is None:
        return
    filename, line = where
    raise RuntimeError(
        'DataLoader worker processes cannot be started from the top level of the main '
        f"script with the '{start_method}' start method: line {line} of {filename} is not "
        "under `if __name__ == '__main__':`. Each worker re-imports the main script, which "
        'would start the loading again (multiprocessing then fails in the workers with '
        "\"An attempt has been made to start a new process before the current process has "
        "finished its bootstrapping phase\"). Put the code that iterates the DataLoader "
        "under `if __name__ == '__main__':` (or into a function called from there), or use "
        "num_workers=0 or the 'fork' start method.")

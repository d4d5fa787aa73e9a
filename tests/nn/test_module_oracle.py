"""Every layer, activation and loss against torch 2.13 (cases in ``tests/nn/cases_*.py``)."""
import importlib
import pathlib

import pytest

torch = pytest.importorskip('torch')

from .harness import run_case  # noqa: E402

_HERE = pathlib.Path(__file__).parent
CASES = []
for _p in sorted(_HERE.glob('cases_*.py')):
    CASES.extend(importlib.import_module(f'tests.nn.{_p.stem}').CASES)


def _params():
    return [pytest.param(c, dt, id=f'{c.id}-{dt}') for c in CASES for dt in c.dtypes]


@pytest.mark.parametrize('case,dtype', _params())
def test_module_matches_torch(case, dtype):
    run_case(case, dtype)


def test_every_module_has_a_case():
    import ember.nn as nn
    from ember.nn.modules.module import Module
    covered = {c.name for c in CASES}
    layers = {n for n in nn.modules.__all__
              if isinstance(getattr(nn, n), type) and issubclass(getattr(nn, n), Module)}
    abstract = {'Module', 'Container', 'Sequential', 'ModuleList', 'ModuleDict', 'ParameterList',
                'ParameterDict'}
    missing = sorted(layers - covered - abstract)
    assert not missing, f'layers without a module case: {missing}'

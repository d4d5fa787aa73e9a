"""Shared helpers: bitwise comparison of loaded objects and checkpoint surgery."""
import io
import zipfile

import numpy as np


def bits(a):
    """An array's bytes as unsigned integers, so NaN payloads and -0.0 compare exactly."""
    a = np.ascontiguousarray(a)
    if a.dtype.kind in 'fV' or a.dtype.name == 'bfloat16':
        return a.view(f'u{a.dtype.itemsize}')
    return a


def as_numpy(t):
    """A torch or ember tensor's values as a NumPy array (bfloat16 as its raw bits)."""
    if type(t).__module__.startswith('torch'):
        import torch
        t = t.detach()
        if t.dtype == torch.bfloat16:
            return t.view(torch.int16).numpy().view(np.uint16)
        return t.numpy()
    a = t.detach().numpy()
    return a.view(np.uint16) if a.dtype.name == 'bfloat16' else a


def assert_same_object(got, want, path='obj'):
    """Structural equality of nested containers; tensors bit-identical with equal dtype,
    shape, stride and requires_grad; Parameters stay Parameters."""
    if hasattr(want, 'detach'):
        assert hasattr(got, 'detach'), f'{path}: {type(got).__name__} instead of a tensor'
        assert str(got.dtype) == str(want.dtype), f'{path}: dtype {got.dtype} != {want.dtype}'
        assert tuple(got.shape) == tuple(want.shape), f'{path}: shape {got.shape} != {want.shape}'
        if want.numel():
            assert tuple(got.stride()) == tuple(want.stride()), \
                f'{path}: stride {got.stride()} != {want.stride()}'
        assert got.requires_grad == want.requires_grad, f'{path}: requires_grad differs'
        assert (type(got).__name__ == 'Parameter') == (type(want).__name__ == 'Parameter'), \
            f'{path}: {type(got).__name__} vs {type(want).__name__}'
        assert np.array_equal(bits(as_numpy(got)), bits(as_numpy(want))), f'{path}: values differ'
        return
    if isinstance(want, dict):
        assert type(got).__name__ == type(want).__name__, f'{path}: {type(got)} vs {type(want)}'
        assert list(got) == list(want), f'{path}: keys {list(got)} != {list(want)}'
        for k in want:
            assert_same_object(got[k], want[k], f'{path}[{k!r}]')
        if hasattr(want, '_metadata'):
            assert got._metadata == want._metadata, f'{path}: _metadata differs'
        return
    if type(want).__name__ == 'Size':
        assert type(got).__name__ == 'Size' and tuple(got) == tuple(want), f'{path}: {got}'
        return
    if isinstance(want, (list, tuple)):
        assert type(got) is type(want), f'{path}: {type(got)} vs {type(want)}'
        assert len(got) == len(want), f'{path}: length {len(got)} != {len(want)}'
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same_object(g, w, f'{path}[{i}]')
        return
    if type(want).__module__ in ('torch', 'ember'):          # dtype, device, Size
        assert str(got) == str(want), f'{path}: {got} != {want}'
        return
    assert type(got) is type(want) and got == want, f'{path}: {got!r} != {want!r}'


def rewrite_records(data, change):
    """A copy of checkpoint bytes ``data`` with ``change(name, payload) -> payload`` applied
    to every record (a valid zip again, CRCs recomputed)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
    return out.getvalue()


def record_span(data, suffix):
    """(start, end) byte offsets of the record whose name ends with ``suffix``."""
    import struct
    z = zipfile.ZipFile(io.BytesIO(data))
    info = next(i for i in z.infolist() if i.filename.endswith(suffix))
    head = data[info.header_offset:info.header_offset + 30]
    n, e = struct.unpack('<HH', head[26:30])
    start = info.header_offset + 30 + n + e
    return start, start + info.file_size

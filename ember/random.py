"""PyTorch-compatible CPU random number generator (MT19937), in pure NumPy.

The engine, its seeding, the two primitive draws and the 5056-byte state
layout follow ``shared/spec/rng.md`` section 1 exactly, so that after
``manual_seed`` every distribution in :mod:`ember._distributions` produces the
same bits as PyTorch 2.13 on x86-64.

Example::

    >>> import ember.random as R
    >>> g = R.Generator().manual_seed(0)
    >>> g._next_u32(2)
    array([2357136044, 2546248239], dtype=uint32)
"""

import contextlib
import os
import struct

import numpy as np

__all__ = ['Generator', 'default_generator', 'manual_seed', 'seed', 'initial_seed',
           'get_rng_state', 'set_rng_state', 'fork_rng']

_N = 624                      # words per MT19937 block
_M = 397
_MATRIX_A = np.uint32(0x9908B0DF)
_UPPER = np.uint32(0x80000000)
_LOWER = np.uint32(0x7FFFFFFF)
_DEFAULT_SEED = 67280421310721  # seed of a fresh torch.Generator()
_BULK = 2048                  # from this many words on, draw through numpy.random.MT19937

# State layout (spec section 1): the legacy THGeneratorState POD followed by the
# float-normal cache.
_STATE_SIZE = 5056
_HEADER = struct.Struct('<QiiQ')       # the_initial_seed, left, seeded, next
_WORDS_AT = 24                         # 624 x u64 state words
_NORMAL = struct.Struct('<dddi')       # normal_x, normal_y, normal_rho, normal_is_valid
_NORMAL_AT = 5016
_FLOAT_NORMAL_AT = 5048                # f32 value, then u8 valid flag


def _init_block(seed32):
    """The untwisted MT19937 array for a 32-bit seed (Knuth's multiplier)."""
    mt = [0] * _N
    x = mt[0] = seed32
    for j in range(1, _N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        mt[j] = x
    return np.array(mt, dtype=np.uint32)


def _twist(mt):
    """The next 624-word block (vectorised; same result as the sequential
    recurrence new[i] = mt[i+M] ^ twist(mt[i], mt[i+1]), indices mod 624)."""
    y = (mt[:-1] & _UPPER) | (mt[1:] & _LOWER)
    mag = (y >> 1) ^ ((y & 1) * _MATRIX_A)
    new = np.empty_like(mt)
    # Word i reads the word 397 ahead (still old) for i < 227 and the word 227
    # behind (already new) afterwards; split so each slice reads final values.
    np.bitwise_xor(mt[397:], mag[:227], out=new[:227])
    np.bitwise_xor(new[:227], mag[227:454], out=new[227:454])
    np.bitwise_xor(new[227:396], mag[454:], out=new[454:623])
    # The last word mixes with the *new* word 0.
    y_last = (int(mt[623]) & 0x80000000) | (int(new[0]) & 0x7FFFFFFF)
    new[623] = int(new[396]) ^ (y_last >> 1) ^ (0x9908B0DF if y_last & 1 else 0)
    return new


def _temper(y):
    """MT19937 output tempering over a whole uint32 array (modified in place)."""
    y ^= y >> 11
    y ^= (y << 7) & np.uint32(0x9D2C5680)
    y ^= (y << 15) & np.uint32(0xEFC60000)
    y ^= y >> 18
    return y


def _temper_int(y):
    """:func:`_temper` for one Python int."""
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    return y ^ (y >> 18)


def _as_state_bytes(state):
    """A flat uint8 array from a ByteTensor (or a NumPy uint8 array / bytes)."""
    if isinstance(state, (bytes, bytearray, memoryview)):
        return np.frombuffer(bytes(state), dtype=np.uint8)
    data = getattr(state, '_data', None)        # an ember Tensor
    if data is None and hasattr(state, 'numpy'):
        data = state.numpy()                    # e.g. a torch.ByteTensor
    if data is None:
        data = state
    if not isinstance(data, np.ndarray):
        if hasattr(data, 'get'):                # a CuPy array
            data = data.get()
        else:
            raise TypeError(f'RNG state must be a torch.ByteTensor, got {type(state).__name__}')
    if data.dtype != np.uint8:
        raise TypeError(f'RNG state must be a torch.ByteTensor (uint8), got dtype {data.dtype}; '
                        'pass the tensor returned by get_rng_state() / Generator.get_state()')
    return np.ascontiguousarray(data).reshape(-1)


class Generator:
    """A torch.Generator look-alike: a 32-bit Mersenne Twister plus the cached
    double normal sample used by the scalar normal path (spec section 4.2).

    Example::

        >>> g = Generator().manual_seed(42)
        >>> g.initial_seed()
        42
    """

    def __init__(self, device='cpu'):
        from ._device import CPU
        dev = str(getattr(device, 'type', device))
        if dev != 'cpu':
            raise RuntimeError(f"ember.random.Generator supports only device='cpu', got {device!r} "
                               "(CUDA tensors draw on the CPU generator and are then moved)")
        self.device = CPU
        self._set_seed(_DEFAULT_SEED)

    def __repr__(self):
        # torch's C type name, as a notebook shows the value of ``torch.manual_seed(1)``
        return f'<torch._C.Generator object at {id(self):#x}>'

    # ------------------------------------------------------------------ seeding
    def _set_seed(self, seed64):
        self._seed = seed64
        self._mt = _init_block(seed64 & 0xFFFFFFFF)
        # torch's bookkeeping: `left` counts down to the next twist, `next` is the
        # index of the next word to read (spec section 1).
        self._left = 1
        self._next = 0
        self._normal_y = None      # cached double normal (spec section 4.2)
        self._float_normal = None  # never set by CPU kernels; kept for state round-trips

    def manual_seed(self, seed):
        """Seed the generator and return it. Negative seeds wrap modulo 2**64.

        Example::

            >>> Generator().manual_seed(-1).initial_seed()
            18446744073709551615
        """
        if isinstance(seed, bool) or not hasattr(seed, '__index__'):
            raise RuntimeError(f'manual_seed expected a long, but got {type(seed).__name__}')
        seed = seed.__index__()
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError('Overflow when unpacking long long')
        self._set_seed(seed & 0xFFFFFFFFFFFFFFFF)
        return self

    def seed(self):
        """Seed from a nondeterministic source; return the 64-bit seed used.

        Example::

            >>> g = Generator(); s = g.seed(); s == g.initial_seed()
            True
        """
        s = int.from_bytes(os.urandom(8), 'little')
        self._set_seed(s)
        return s

    def initial_seed(self):
        """The 64-bit seed last given to :meth:`manual_seed` (or :meth:`seed`)."""
        return self._seed

    # -------------------------------------------------------------------- state
    def _get_state_array(self):
        """The 5056-byte state as a NumPy uint8 array (layout: spec section 1)."""
        buf = np.zeros(_STATE_SIZE, dtype=np.uint8)
        _HEADER.pack_into(buf, 0, self._seed, self._left, 1, self._next)
        buf[_WORDS_AT:_NORMAL_AT] = self._mt.astype('<u8').view(np.uint8)
        valid = self._normal_y is not None
        _NORMAL.pack_into(buf, _NORMAL_AT, 0.0, self._normal_y if valid else 0.0, 0.0, int(valid))
        if self._float_normal is not None:
            struct.pack_into('<f?', buf, _FLOAT_NORMAL_AT, self._float_normal, True)
        return buf

    def get_state(self):
        """The generator state as a uint8 Tensor of 5056 bytes.

        Example::

            >>> g = Generator(); s = g.get_state(); g.set_state(s)  # doctest: +ELLIPSIS
            <...Generator object at ...>
        """
        from ._tensor import _make
        return _make(self._get_state_array())

    def set_state(self, new_state):
        """Restore a state produced by :meth:`get_state` (or torch's get_rng_state).
        Returns the generator."""
        arr = _as_state_bytes(new_state)
        if arr.size != _STATE_SIZE:
            raise RuntimeError(f'Expected a CPUGeneratorImplState of size {_STATE_SIZE} but '
                               f'found the input RNG state size to be {arr.size}')
        seed, left, seeded, nxt = _HEADER.unpack_from(arr, 0)
        if not (seeded != 0 and 1 <= left <= _N and nxt <= _N):
            raise RuntimeError('Invalid mt19937 state')
        self._seed = seed
        self._left = left
        self._next = nxt
        # Stored as u64 words; the engine keeps their low 32 bits.
        self._mt = arr[_WORDS_AT:_NORMAL_AT].view('<u8').astype(np.uint32)
        _, normal_y, _, normal_valid = _NORMAL.unpack_from(arr, _NORMAL_AT)
        self._normal_y = normal_y if normal_valid else None
        fval, fvalid = struct.unpack_from('<f?', arr, _FLOAT_NORMAL_AT)
        self._float_normal = fval if fvalid else None
        return self

    # --------------------------------------------------------------- primitives
    def _next_u32(self, n):
        """The next ``n`` 32-bit words, in order, as a uint32 array.

        Example::

            >>> Generator().manual_seed(0)._next_u32(1)
            array([2357136044], dtype=uint32)
        """
        nxt = self._next
        if n <= 64 and n < self._left and nxt + n <= _N:
            # Few words and no twist due: plain Python ints beat NumPy's per-call costs.
            self._next = nxt + n
            self._left -= n
            return np.array([_temper_int(w) for w in self._mt[nxt:nxt + n].tolist()],
                            dtype=np.uint32)
        if n >= _BULK:
            fast = self._bulk_u32(n)
            if fast is not None:
                return fast
        out = np.empty(n, dtype=np.uint32)
        pos = 0
        mt = self._mt
        while pos < n:
            # torch draws one word as: if --left == 0: twist; return mt[next++].
            avail = min(self._left - 1, _N - self._next)
            if avail <= 0:
                mt = self._mt = _twist(mt)
                self._left = _N + 1
                self._next = 0
                avail = _N
            take = min(avail, n - pos)
            out[pos:pos + take] = mt[self._next:self._next + take]
            self._next += take
            self._left -= take
            pos += take
        return _temper(out)

    def _bulk_u32(self, n):
        """``n`` words through NumPy's own MT19937 (the same engine, in C), or None when the
        bookkeeping is one NumPy cannot express (a crafted state with left + next != 625)."""
        if self._left == 1:
            pos = _N                     # the next draw twists first
        elif self._left + self._next == _N + 1:
            pos = self._next
        else:
            return None
        bg = self.__dict__.get('_np_engine')
        if bg is None:
            bg = self._np_engine = np.random.MT19937(0)
        bg.state = {'bit_generator': 'MT19937', 'state': {'key': self._mt, 'pos': pos}}
        out = bg.random_raw(n).astype(np.uint32)
        st = bg.state['state']
        self._mt = st['key']
        self._next = int(st['pos'])
        self._left = _N + 1 - self._next
        return out

    def _next_u64(self, n):
        """The next ``n`` random64 values: two words each, the FIRST word is the
        high half (spec section 1).

        Example::

            >>> hex(int(Generator().manual_seed(0)._next_u64(1)[0]))
            '0x8c7f0aac97c4aa2f'
        """
        w = self._next_u32(2 * n).astype(np.uint64)
        return (w[0::2] << np.uint64(32)) | w[1::2]

    def _random_u32(self):
        """One 32-bit word as a Python int."""
        return int(self._next_u32(1)[0])

    def _random_u64(self):
        """One random64 as a Python int."""
        a, b = self._next_u32(2).tolist()
        return (a << 32) | b


def _default(generator):
    """The generator to use: ``generator`` or the default one."""
    return default_generator if generator is None else generator


default_generator = Generator()
default_generator.seed()


def manual_seed(seed):
    """Seed the default generator and return it.

    Example::

        >>> manual_seed(0).initial_seed()
        0
    """
    return default_generator.manual_seed(int(seed))


def seed():
    """Seed the default generator nondeterministically and return the seed.

    >>> state = ember.get_rng_state()
    >>> s = ember.seed()
    >>> ember.initial_seed() == s
    True
    >>> ember.set_rng_state(state)
    """
    return default_generator.seed()


def initial_seed():
    """The initial seed of the default generator.

    >>> _ = ember.manual_seed(7)
    >>> ember.initial_seed()
    7
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 Tensor of 5056 bytes.

    Example::

        >>> s = get_rng_state(); a = ember.rand(2); set_rng_state(s); (ember.rand(2) == a).all()
        tensor(True)
    """
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state from :func:`get_rng_state`'s tensor.

    Example::

        >>> set_rng_state(get_rng_state())
    """
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller='fork_rng', _devices_kw='devices',
             device_type='cuda'):
    """Run a block with the default generator's state saved and restored afterwards.

    Example::

        >>> with fork_rng():
        ...     _ = ember.rand(3)           # does not advance the outer stream
    """
    if not enabled:
        yield
        return
    state = default_generator._get_state_array()
    try:
        yield
    finally:
        default_generator.set_state(state)

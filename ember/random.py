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

import os
import struct

import numpy as np

__all__ = ['Generator', 'default_generator', 'manual_seed', 'seed', 'initial_seed',
           'get_rng_state', 'set_rng_state']

_N = 624                      # words per MT19937 block
_M = 397
_MATRIX_A = np.uint32(0x9908B0DF)
_UPPER = np.uint32(0x80000000)
_LOWER = np.uint32(0x7FFFFFFF)
_DEFAULT_SEED = 67280421310721  # seed of a fresh torch.Generator()

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
    """Regenerate the 624-word block in place (vectorised, same result as the
    sequential recurrence new[i] = new/old[i+M] ^ twist(old[i], old[i+1]))."""
    y = (mt & _UPPER) | (np.roll(mt, -1) & _LOWER)
    mag = (y >> 1) ^ ((y & 1) * _MATRIX_A)
    new = np.empty_like(mt)
    # The recurrence reads the word 397 ahead (old values) for i < 227 and the
    # word 227 behind (already new) afterwards; split so each slice only reads
    # values that are final.
    new[0:227] = mt[397:624] ^ mag[0:227]
    new[227:454] = new[0:227] ^ mag[227:454]
    new[454:623] = new[227:396] ^ mag[454:623]
    # The last word mixes with the *new* word 0.
    y_last = (int(mt[623]) & 0x80000000) | (int(new[0]) & 0x7FFFFFFF)
    new[623] = int(new[396]) ^ (y_last >> 1) ^ (0x9908B0DF if y_last & 1 else 0)
    mt[:] = new


def _temper(y):
    """MT19937 output tempering over a whole uint32 array (modified in place)."""
    y ^= y >> 11
    y ^= (y << 7) & np.uint32(0x9D2C5680)
    y ^= (y << 15) & np.uint32(0xEFC60000)
    y ^= y >> 18
    return y


def _as_state_bytes(state):
    """A flat uint8 array from a ByteTensor, a NumPy array, bytes or a list."""
    if hasattr(state, 'numpy'):
        state = state.numpy()
    if isinstance(state, (bytes, bytearray, memoryview)):
        return np.frombuffer(bytes(state), dtype=np.uint8)
    if isinstance(state, np.ndarray) and state.dtype != np.uint8:
        raise TypeError('RNG state must be a torch.ByteTensor')
    return np.ascontiguousarray(np.asarray(state, dtype=np.uint8)).reshape(-1)


class Generator:
    """A torch.Generator look-alike: a 32-bit Mersenne Twister plus the cached
    double normal sample used by the scalar normal path (spec section 4.2).

    Example::

        >>> g = Generator().manual_seed(42)
        >>> g.initial_seed()
        42
    """

    def __init__(self, device='cpu'):
        dev = str(getattr(device, 'type', device))
        if dev != 'cpu':
            raise RuntimeError(f"ember.random.Generator supports only device='cpu', got {device!r}")
        self.device = 'cpu'
        self._set_seed(_DEFAULT_SEED)
        self._float_normal = None  # never set by CPU kernels; kept for state round-trips

    # ------------------------------------------------------------------ seeding
    def _set_seed(self, seed64):
        self._seed = seed64
        self._mt = _init_block(seed64 & 0xFFFFFFFF)
        # torch's bookkeeping: `left` counts down to the next twist, `next` is the
        # index of the next word to read (spec section 1).
        self._left = 1
        self._next = 0
        self._normal_y = None  # cached double normal (spec section 4.2)

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
        arr = self._get_state_array()
        try:
            from ember._tensor import Tensor
            return Tensor._wrap(arr)
        except (ImportError, AttributeError):  # core Tensor not available yet
            return arr

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
        out = np.empty(n, dtype=np.uint32)
        pos = 0
        mt = self._mt
        while pos < n:
            # torch draws one word as: if --left == 0: twist; return mt[next++].
            avail = min(self._left - 1, _N - self._next)
            if avail <= 0:
                _twist(mt)
                self._left = _N + 1
                self._next = 0
                avail = _N
            take = min(avail, n - pos)
            out[pos:pos + take] = mt[self._next:self._next + take]
            self._next += take
            self._left -= take
            pos += take
        return _temper(out)

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
    """Seed the default generator nondeterministically and return the seed."""
    return default_generator.seed()


def initial_seed():
    """The initial seed of the default generator."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (5056 bytes, uint8)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state."""
    default_generator.set_state(new_state)

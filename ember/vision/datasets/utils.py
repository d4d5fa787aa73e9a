"""Download and integrity helpers for datasets (``torchvision.datasets.utils``).

The network is touched only by :func:`download_url`, through ``urllib`` imported on first
use. Everything else works on local files.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), 'hello.txt')
>>> with open(path, 'wb') as f:
...     _ = f.write(b'hello')
>>> calculate_md5(path)
'5d41402abc4b2a76b9719d911017c592'
>>> check_integrity(path, '5d41402abc4b2a76b9719d911017c592'), check_integrity(path + '.missing')
(True, False)
"""
import bz2
import gzip
import hashlib
import lzma
import os
import shutil
import tarfile
import zipfile

__all__ = ['calculate_md5', 'check_md5', 'check_integrity', 'download_url', 'extract_archive',
           'download_and_extract_archive', 'USER_AGENT']

USER_AGENT = 'pytorch/vision'
_PILLOW_HINT = 'pip install "ember[vision]"'


class _IntegrityError(RuntimeError):
    """A downloaded file is missing or its MD5 does not match (a RuntimeError, as torchvision's)."""


def _pil_image():
    """``PIL.Image`` when pillow is installed, else None (callers pick a NumPy fallback).

    >>> _pil_image() is None or hasattr(_pil_image(), 'fromarray')
    True
    """
    try:
        from PIL import Image
    except ImportError:
        return None
    return Image


def _require_pil_image(what='loading images'):
    """``PIL.Image``, or an ImportError naming the ``ember[vision]`` extra.

    >>> _require_pil_image().__name__
    'PIL.Image'
    """
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(f'{what} needs pillow, which is not installed. Install it with: '
                          f'{_PILLOW_HINT}') from e
    return Image


def calculate_md5(fpath, chunk_size=1024 * 1024):
    """The hex MD5 digest of a file, read in chunks.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), 'empty')
    >>> open(p, 'wb').close()
    >>> calculate_md5(p)
    'd41d8cd98f00b204e9800998ecf8427e'
    """
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    """True when the file's MD5 equals ``md5``.

    >>> check_md5(__file__, '0' * 32)
    False
    """
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True when ``fpath`` is a file and (when ``md5`` is given) its MD5 matches.

    >>> check_integrity(__file__), check_integrity(__file__, '0' * 32)
    (True, False)
    """
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


def _urlopen(url, timeout):
    """Open ``url`` (http, https or file) with torchvision's User-Agent; tests replace this."""
    import urllib.request
    request = urllib.request.Request(url, headers={'User-Agent': USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout)


def download_url(url, root, filename=None, md5=None, timeout=60.0):
    """Download ``url`` into ``root/filename`` and check its MD5, as torchvision's ``download_url``.

    A file already present with the right MD5 is not downloaded again. The data goes to a
    ``.part`` file first, so a failed download never leaves a half-written file behind.
    Network errors propagate (``urllib.error.URLError``, an ``OSError``); a file whose MD5
    does not match raises ``RuntimeError: File not found or corrupted.``

    >>> import os, pathlib, tempfile
    >>> src = pathlib.Path(tempfile.mkdtemp(), 'a.txt'); _ = src.write_bytes(b'hello')
    >>> dst = tempfile.mkdtemp()
    >>> download_url(src.as_uri(), dst, md5='5d41402abc4b2a76b9719d911017c592')
    >>> os.listdir(dst)
    ['a.txt']
    """
    root = os.path.expanduser(os.fspath(root))
    if not filename:
        filename = os.path.basename(url)
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        print('Using downloaded and verified file: ' + fpath)
        return
    part = fpath + '.part'
    try:
        with _urlopen(url, timeout) as response, open(part, 'wb') as out:
            shutil.copyfileobj(response, out, 1024 * 1024)
        os.replace(part, fpath)
    finally:
        if os.path.exists(part):
            os.remove(part)
    if not check_integrity(fpath, md5):
        got = calculate_md5(fpath) if os.path.isfile(fpath) else 'no file'
        raise _IntegrityError(f'File not found or corrupted. {fpath} downloaded from {url} has MD5 '
                              f'{got}, expected {md5}.')


def _decompressed_name(path):
    for suffix in ('.gz', '.bz2', '.xz'):
        if path.endswith(suffix):
            return path[:-len(suffix)]
    return None


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a ``.zip``, ``.tar`` (also ``.tar.gz``/``.tgz``/``.tar.bz2``/``.tar.xz``) archive, or
    decompress a single ``.gz``/``.bz2``/``.xz`` file, into ``to_path`` (default: the archive's
    folder). Returns ``to_path``.

    >>> import gzip, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> with gzip.open(os.path.join(d, 'a.txt.gz'), 'wb') as f:
    ...     _ = f.write(b'abc')
    >>> _ = extract_archive(os.path.join(d, 'a.txt.gz'))
    >>> open(os.path.join(d, 'a.txt'), 'rb').read()
    b'abc'
    """
    from_path = os.fspath(from_path)
    if to_path is None:
        to_path = os.path.dirname(from_path)
    to_path = os.fspath(to_path)
    lower = from_path.lower()
    if lower.endswith('.zip'):
        with zipfile.ZipFile(from_path) as zf:
            zf.extractall(to_path)
    elif lower.endswith(('.tar', '.tgz', '.tar.gz', '.tar.bz2', '.tbz', '.tar.xz', '.txz')):
        with tarfile.open(from_path) as tf:
            if hasattr(tarfile, 'data_filter'):
                tf.extractall(to_path, filter='data')
            else:  # pragma: no cover - Python without PEP 706 filters
                tf.extractall(to_path)
    else:
        target = _decompressed_name(from_path)
        if target is None:
            raise RuntimeError(f'Archive type of {from_path} is not supported. Supported: .zip, '
                               '.tar, .tar.gz, .tgz, .tar.bz2, .tar.xz, .gz, .bz2, .xz')
        opener = {'.gz': gzip.open, '.bz2': bz2.open, '.xz': lzma.open}[from_path[len(target):]]
        target = os.path.join(to_path, os.path.basename(target))
        part = target + '.part'
        try:
            with opener(from_path, 'rb') as src, open(part, 'wb') as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            os.replace(part, target)
        finally:
            if os.path.exists(part):
                os.remove(part)
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    """:func:`download_url` then :func:`extract_archive` (into ``extract_root``, default
    ``download_root``), as torchvision's.

    >>> import gzip, os, pathlib, tempfile
    >>> src = pathlib.Path(tempfile.mkdtemp(), 'b.txt.gz'); _ = src.write_bytes(gzip.compress(b'hi'))
    >>> dst = tempfile.mkdtemp()
    >>> download_and_extract_archive(src.as_uri(), dst)  # doctest: +ELLIPSIS
    Extracting .../b.txt.gz to ...
    >>> sorted(os.listdir(dst))
    ['b.txt', 'b.txt.gz']
    """
    download_root = os.path.expanduser(os.fspath(download_root))
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url)
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    print(f'Extracting {archive} to {extract_root}')
    extract_archive(archive, extract_root, remove_finished)

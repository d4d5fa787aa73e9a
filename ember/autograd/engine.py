"""The autograd graph: Node (one per recorded operation) and the engine that walks it.

An operator records itself with :func:`record`; ``Tensor.backward`` and ``autograd.grad``
call :func:`run_backward`. Gradients are Tensors and backward formulas use ember's own ops,
so ``create_graph=True`` gives higher-order gradients for free.

>>> x = ember.tensor([1., 2.], requires_grad=True)
>>> (x * x).sum().backward(); x.grad
tensor([2., 4.])
"""
import sys
import threading
import traceback

from .grad_mode import STATE
from .._dtype import FLOATING

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


class Node:
    """One recorded operation: its backward function, edges to its inputs and saved values.

    ``grad_fn`` of a non-leaf tensor is a Node; ``grad_fn.name()`` is PyTorch's name,
    e.g. ``'MulBackward0'``.
    """
    __slots__ = ('_name', '_backward', 'next', 'meta', '_saved', '_versions', 'ctx', '_n_out',
                 '__dict__', '__weakref__')
    # Rarely used parts live in the instance dict only once set (keeps a new Node cheap).
    _pre_hooks = _hooks = _retain = _out_saved = trace = None

    def __init__(self, name, backward, n_out=1):
        self._name = name
        self._backward = backward
        self._n_out = n_out
        self._saved = self._versions = self.ctx = None

    @property
    def metadata(self):
        """A dict for user annotations, as ``grad_fn.metadata`` in PyTorch."""
        return self.__dict__.setdefault('_metadata', {})

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name.rsplit('::', 1)[-1]} object at {hex(id(self))}>"

    def __call__(self, *grads):
        out = self._backward(self, *grads)
        return out if isinstance(out, tuple) else (out,)

    @property
    def next_functions(self):
        """((node_or_AccumulateGrad, output_nr), ...) for each input, as in PyTorch."""
        res = []
        for e in self.next:
            if e is None:
                res.append((None, 0))
            elif isinstance(e[0], Node):
                res.append(e)
            else:
                res.append((AccumulateGrad(e[0]), 0))
        return tuple(res)

    def saved(self):
        """The saved values, after checking none was modified in place since it was saved."""
        saved = self._saved
        if saved is None:
            packed = self._out_saved
            if packed.__class__ is _Packed:
                return packed.unpack()
            raise RuntimeError(_FREED_MSG)
        versions = self._versions
        if versions is not None:
            for i, v in versions:
                t = saved[i]
                vc = t._vc
                now = vc[0] if vc is not None else 0
                if now != v:
                    _raise_modified(t, now, v)
        if self._out_saved is not None:
            saved = list(saved)
            for i, (arr, vc, v) in self._out_saved:
                t = _make(arr)
                if vc[0] != v:
                    _raise_modified(t, vc[0], v, f', which is output 0 of {self._name},')
                t._vc, t.grad_fn, t._rg = vc, self, True
                saved[i] = t
        return saved

    @property
    def saved_tensors(self):
        return tuple(self.saved())

    def register_hook(self, fn):
        """Run ``fn(grad_inputs, grad_outputs)`` after this node's backward; a non-None
        result replaces grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """Run ``fn(grad_outputs)`` before this node's backward; it may return new grads."""
        return self._add_pre_hook(-1, fn)

    def _add_pre_hook(self, key, fn):
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = (key, fn)
        self._pre_hooks.append(entry)
        return _Handle(self._pre_hooks, entry)

    def _release(self):
        self._saved = self._versions = None
        if self._out_saved is not None:
            self._out_saved = None


class AccumulateGrad:
    """Stand-in shown by ``next_functions`` for a leaf tensor's gradient sink."""
    __slots__ = ('variable',)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return 'torch::autograd::AccumulateGrad'

    def __repr__(self):
        return f'<AccumulateGrad object at {hex(id(self))}>'

    @property
    def next_functions(self):
        return ()


class _Handle:
    """Returned by register_hook; ``remove()`` detaches the hook."""
    __slots__ = ('_list', '_item')

    def __init__(self, lst, item):
        self._list, self._item = lst, item

    def remove(self):
        try:
            self._list.remove(self._item)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _raise_modified(t, now, expected, which=''):
    if not which and t.grad_fn is not None:
        which = f', which is output {t._out_nr} of {t.grad_fn.name()},'
    raise RuntimeError(
        'one of the variables needed for gradient computation has been modified by an inplace '
        f'operation: [{t.type()} {list(t.shape)}]{which} is at version {now}; expected version '
        f'{expected} instead. Hint: enable anomaly detection to find the operation that failed '
        'to compute its gradient, with torch.autograd.set_detect_anomaly(True). The usual cause '
        'is an in-place op (x += ..., x.relu_(), x[idx] = ...) on a tensor that an earlier op '
        'still needs; use the out-of-place form (x = x + ...) instead.')


_new = object.__new__
_make = None       # set by ember._tensor (avoids an import cycle)
_Tensor = None
_getrefcount = sys.getrefcount
# references to a gradient on its way into .grad: run_backward's `grads`, the `grad`
# parameter of _leaf_receive, and getrefcount's own argument
_STEAL_REFS = 3
_refresh_view = None   # set by ember._ops.indexing


def record(out, name, backward, inputs, saved=None, ctx=None, save_output=False,
           save_if=None):
    """Attach a Node to ``out`` if grad mode is on and a tensor input requires grad.

    ``inputs`` are the op's operands (Tensors or plain values; only tensors get edges).
    ``saved`` are the values the backward reads through ``node.saved()``; tensors among them
    are version-checked. ``save_if[i]``, when given, is the input whose gradient needs
    ``saved[i]`` (None: always saved); as in PyTorch, it is saved only if that input requires
    grad, otherwise None. ``save_output=True`` appends the output itself to the saved values
    without a reference cycle. Returns ``out``.
    """
    if not STATE.enabled:
        return out
    Tensor = _Tensor
    edges = []
    metas = []
    needed = False
    for t in inputs:
        if isinstance(t, Tensor):
            if t._base is not None:
                version = t._vc[0]
                if version != t.__dict__.get('_view_version', version):
                    _refresh_view(t)         # its base changed in place since it was made
            if t._rg:
                needed = True
                fn = t.grad_fn
                edges.append((fn, t._out_nr) if fn is not None else (t, 0))
                data = t._data
                metas.append((data.shape, data.dtype))
                continue
        edges.append(None)
        metas.append(None)
    if not needed:
        return out
    node = _new(Node)                   # Node.__init__'s fields, set once
    node._name = name
    node._backward = backward
    node._n_out = 1
    node.next = edges
    node.meta = metas
    node.ctx = ctx
    if saved is not None:
        if save_if is not None:
            saved = [v if j is None or edges[j] is not None else None
                     for v, j in zip(saved, save_if)]
        node._saved = saved
        versions = None
        i = -1
        for s in saved:
            i += 1
            if isinstance(s, Tensor):
                vc = s._vc
                if versions is None:
                    versions = [(i, vc[0] if vc is not None else 0)]
                else:
                    versions.append((i, vc[0] if vc is not None else 0))
        node._versions = versions
    else:
        node._saved = node._versions = None
    if save_output:
        if saved is None:
            node._saved = ()
        vc = out._vc
        if vc is None:
            vc = out._vc = [0]
        node._out_saved = ((len(node._saved), (out._data, vc, vc[0])),)
        node._saved = tuple(node._saved) + (None,)
    if STATE.anomaly:
        node.trace = ''.join(traceback.format_stack()[:-2])
    out.grad_fn = node
    out._rg = True
    if saved_tensors_hooks_stack is not None and node._saved is not None:
        _pack_saved(node, out)
    return out


# The (pack, unpack) pairs of the active ``autograd.graph.saved_tensors_hooks`` (innermost
# last); None when there are none, so record() pays one global check.
saved_tensors_hooks_stack = None


class _Packed:
    """A node's saved values after a pack hook: ``saved()`` unpacks them on each access.

    Kept in ``Node._out_saved`` (with ``_saved`` None) so the engine frees it as usual."""
    __slots__ = ('values', 'slots', 'unpack_hook')

    def __init__(self, values, slots, unpack_hook):
        self.values, self.slots, self.unpack_hook = values, slots, unpack_hook

    def unpack(self):
        values = list(self.values)
        for i, packed in self.slots:
            values[i] = self.unpack_hook(packed)
        return values


def _pack_saved(node, out):
    """Replace the tensors ``node`` saved by what the innermost pack hook makes of them."""
    pack, unpack = saved_tensors_hooks_stack[-1]
    values = list(node._saved)
    slots = []
    for i, v in enumerate(values):
        if isinstance(v, _Tensor):
            slots.append((i, pack(v)))
            values[i] = None
    if node._out_saved is not None:
        for i, _ in node._out_saved:
            slots.append((i, pack(out)))
    node._saved = node._versions = None
    node._out_saved = _Packed(values, slots, unpack)


def record_multi(outs, name, backward, inputs, saved=None, ctx=None):
    """Like :func:`record` for an op with several differentiable outputs (one shared Node)."""
    first = record(outs[0], name, backward, inputs, saved, ctx)
    node = first.grad_fn
    if node is None:
        return outs
    node._n_out = len(outs)
    for i, o in enumerate(outs):
        o.grad_fn, o._rg, o._out_nr = node, True, i
    return outs


def _count_single_root(root):
    """Dependency counts for one root: the graph is a DAG, so the root is never reached
    again and a vertex's first count marks it as discovered."""
    deps = {}
    get = deps.get
    stack = [root]
    while stack:
        v = stack.pop()
        if v.__class__ is Node:
            for e in v.next:
                if e is not None:
                    t = e[0]
                    k = id(t)
                    c = get(k)
                    if c is None:
                        deps[k] = 1
                        stack.append(t)
                    else:
                        deps[k] = c + 1
    return deps


def _collect(roots, targets):
    """Dependency counts (incoming edges) of every vertex reachable from ``roots``.

    Vertices are Nodes and leaf tensors. When ``targets`` is given, only vertices from which
    a target can be reached count (the others are ``useless`` and skipped).
    """
    if targets is None and len(roots) == 1:
        return _count_single_root(roots[0]), None
    deps = {}
    seen, stack = set(), []
    for r in roots:                    # two outputs of one node are one vertex
        if id(r) not in seen:
            seen.add(id(r))
            stack.append(r)
    order = [] if targets is not None else None
    while stack:
        v = stack.pop()
        if order is not None:
            order.append(v)
        if v.__class__ is Node:
            for e in v.next:
                if e is not None:
                    t = e[0]
                    k = id(t)
                    deps[k] = deps.get(k, 0) + 1
                    if k not in seen:
                        seen.add(k)
                        stack.append(t)
    if targets is None:
        return deps, None
    useful = set()
    changed = True
    while changed:                     # fixed point: a vertex is useful if a child is
        changed = False
        for v in reversed(order):
            k = id(v)
            if k in useful:
                continue
            if k in targets or (v.__class__ is Node and any(
                    e is not None and id(e[0]) in useful for e in v.next)):
                useful.add(k)
                changed = True
    deps = {}
    for v in order:
        if v.__class__ is Node and id(v) in useful:
            for e in v.next:
                if e is not None and id(e[0]) in useful:
                    deps[id(e[0])] = deps.get(id(e[0]), 0) + 1
    return deps, useful


def _sum_to(g, meta):
    """Reduce a broadcast gradient back to an input's shape and dtype."""
    shape, dtype = meta
    gs = g._data.shape
    if gs != shape:
        g = g.sum_to_size(shape) if len(gs) >= len(shape) else g.reshape(shape)
    if g._data.dtype != dtype:
        g = g.to(_dtype_of(dtype))
    return g


def _dtype_of(np_dtype):
    from .._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype)


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        data = getattr(g, '_data', None)
        if data is not None and data.dtype in FLOATING and bool((data != data).any()):
            where = f'\n\nThe forward operation was called at:\n{node.trace}' if node.trace else ''
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output."
                               f"{where}")


def run_backward(roots, grad_roots, retain_graph=False, create_graph=False, inputs=None,
                 capture=False, allow_unused=False):
    """Propagate ``grad_roots`` from ``roots`` through the graph.

    Accumulates into leaves' ``.grad`` (only into ``inputs`` when given), or with
    ``capture=True`` returns the gradients of ``inputs`` without touching ``.grad``.
    Nodes run once all their consumers have contributed (dependency counting), so each
    leaf's hooks see its total gradient, as in PyTorch.
    """
    if inputs is None and len(roots) == 1 and roots[0].grad_fn is not None:
        # loss.backward(): one non-leaf root, every leaf a target
        root = roots[0]
        node = root.grad_fn
        buf = [None] * node._n_out
        buf[root._out_nr] = grad_roots[0]
        _execute([node], {id(node): buf}, _count_single_root(node), None, None, None,
                 retain_graph, create_graph)
        return None
    targets = None if inputs is None else {id(_vertex(t)) for t in inputs}
    vertices = [_vertex(r) for r in roots]
    deps, useful = _collect(vertices, targets)
    buffers = {}
    for r, v, g in zip(roots, vertices, grad_roots):
        _add_to_buffer(buffers, v, r._out_nr, g)
    ready = []
    for v in vertices:
        if id(v) not in deps and all(v is not w for w in ready):
            ready.append(v)
    captured = {} if capture else None
    _execute(ready, buffers, deps, useful, targets, captured, retain_graph, create_graph)
    if capture:
        return _captured_grads(inputs, captured, allow_unused)
    return None


class BackwardPass:
    """The state of a running backward pass, for hooks that ask what it will still reach
    (``autograd.graph.register_multi_grad_hook``): the containers the engine works on, and
    the vertex whose hooks are running with the gradients it received."""
    __slots__ = ('ready', 'buffers', 'deps', 'useful', 'vertex', 'grads')

    def __init__(self, ready, buffers, deps, useful):
        self.ready, self.buffers, self.deps, self.useful = ready, buffers, deps, useful
        self.vertex = self.grads = None


_PASSES = threading.local()


def current_pass():
    """The innermost backward pass running on this thread, or None.

    >>> current_pass() is None
    True
    """
    stack = getattr(_PASSES, 'stack', None)
    return stack[-1] if stack else None


def _execute(ready, buffers, deps, useful, targets, captured, retain_graph, create_graph):
    """Run the graph from the ``ready`` vertices: ``buffers`` holds the gradients received so
    far (a list per Node, one per output; a Tensor per leaf), ``deps`` the number of
    consumers each vertex still waits for. ``useful`` (None: all) limits the walk to vertices
    that reach a target; ``captured`` (None: accumulate into .grad) collects the targets'
    gradients instead."""
    Tensor = _Tensor
    anomaly = STATE.anomaly and STATE.anomaly_check_nan
    prev = STATE.enabled
    STATE.enabled = create_graph
    pop, push = ready.pop, ready.append
    get, take = buffers.get, buffers.pop
    this_pass = BackwardPass(ready, buffers, deps, useful)
    stack = getattr(_PASSES, 'stack', None)
    if stack is None:
        stack = _PASSES.stack = []
    stack.append(this_pass)
    try:
        while ready:
            v = pop()
            key = id(v)
            grads = take(key, None)
            if v.__class__ is not Node:                # a leaf tensor
                if grads is not None:
                    g = results = data = None   # stale references would block stealing
                    this_pass.vertex, this_pass.grads = v, grads
                    _leaf_receive(v, grads, captured, targets, create_graph)
                continue
            if grads is None:                          # every incoming gradient was None
                grads = [None] * v._n_out
            if v._pre_hooks or v._retain:
                this_pass.vertex, this_pass.grads = v, grads
                grads = _run_pre_hooks(v, grads, create_graph)
            if captured is not None and key in targets:
                captured[key] = grads
            if useful is not None and key not in useful:
                continue
            if v._n_out == 1:
                g = grads[0]
                results = v._backward(v, g) if g is not None else ()
            elif all(g is None for g in grads):
                results = ()
            else:
                results = v._backward(v, *grads)
            if results.__class__ is not tuple:
                results = (results,)
            if anomaly:
                _check_nan(v, results)
            if v._hooks:
                for h in list(v._hooks):
                    r = h(results, tuple(grads))
                    if r is not None:               # a hook may replace grad_inputs
                        results = tuple(r)
            if not retain_graph:
                v._saved = v._versions = None       # Node._release, inlined
                if v._out_saved is not None:
                    v._out_saved = None
            edges = v.next
            if len(results) < len(edges):
                results += (None,) * (len(edges) - len(results))
            for e, g, meta in zip(edges, results, v.meta):
                if e is None:
                    continue
                target = e[0]
                tkey = id(target)
                if useful is not None and tkey not in useful:
                    continue
                if g is not None:
                    if g.__class__ is not Tensor and not isinstance(g, Tensor):
                        g = _make(g)
                    data = g._data
                    if data.shape != meta[0] or data.dtype != meta[1]:
                        g = _sum_to(g, meta)
                    if target.__class__ is Node:
                        buf = get(tkey)
                        if buf is None:
                            buf = buffers[tkey] = [None] * target._n_out
                        old = buf[e[1]]
                        buf[e[1]] = g if old is None else old + g
                    else:
                        old = get(tkey)
                        buffers[tkey] = g if old is None else old + g
                left = deps[tkey] - 1
                deps[tkey] = left
                if left == 0:
                    push(target)
    finally:
        STATE.enabled = prev
        stack.pop()


def _add_to_buffer(buffers, v, nr, g):
    key = id(v)
    if v.__class__ is Node:
        buf = buffers.get(key)
        if buf is None:
            buf = buffers[key] = [None] * v._n_out
        old = buf[nr]
        buf[nr] = g if old is None else old + g
    else:
        old = buffers.get(key)
        buffers[key] = g if old is None else old + g


def _leaf_receive(leaf, grad, captured, targets, create_graph):
    """A leaf's total gradient: run its hooks, then capture it or accumulate it into
    ``.grad`` and run the post-accumulate hooks."""
    hooks = leaf._hooks
    if hooks:
        for h in list(hooks):
            r = h(grad)
            if r is not None:
                grad = r
    if targets is not None:
        key = id(leaf)
        if captured is not None:
            if key in targets:
                captured[key] = grad
            return
        if key not in targets:
            return
    old = leaf.grad
    if old is None:
        if create_graph:
            # a differentiable copy, as PyTorch: the incoming gradient may be the caller's
            # tensor (gradient=, a hook's result), which a later in-place accumulation would
            # otherwise modify
            leaf.grad = grad.clone()
        else:
            # Like PyTorch, keep the incoming gradient itself as .grad (no copy) when nothing
            # else can see it: only this call chain refers to the tensor and to its own array.
            arr = grad._data
            if (_getrefcount(grad) == _STEAL_REFS and arr.base is None
                    and _getrefcount(arr) == 3 and grad.__class__ is _Tensor
                    and arr.flags.c_contiguous):
                leaf.grad = grad
            else:
                leaf.grad = _make(arr.copy())
    elif create_graph:
        leaf.grad = old + grad
    else:
        arr = old._data
        if arr.shape == grad._data.shape and arr.flags.writeable:
            arr += grad._data
        else:
            leaf.grad = old + grad
    post = leaf.__dict__.get('_post_hooks')
    if post:
        for h in list(post):
            h(leaf)


def _captured_grads(inputs, captured, allow_unused):
    out = []
    for t in inputs:
        v = _vertex(t)
        g = captured.get(id(v))
        if v.__class__ is Node and g is not None:
            g = g[t._out_nr]
        if g is None and not allow_unused:
            raise RuntimeError('One of the differentiated Tensors appears to not have been '
                               'used in the graph. Set allow_unused=True if this is the '
                               'desired behavior.')
        out.append(g)
    return tuple(out)


def _vertex(t):
    return t.grad_fn if t.grad_fn is not None else t


def _run_pre_hooks(node, grads, create_graph):
    grads = list(grads)
    if node._pre_hooks:
        for key, fn in list(node._pre_hooks):
            if key == -1:
                r = fn(tuple(grads))
                if r is not None:
                    grads = list(r)
            elif grads[key] is not None:
                r = fn(grads[key])
                if r is not None:
                    grads[key] = r
    if node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr]
                if t.grad is None:
                    t.grad = g if create_graph else _make(g._data.copy())
                else:
                    t.grad = t.grad + g
    return grads

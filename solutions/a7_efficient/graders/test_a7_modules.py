"""Graders: ALBERT's two modules, FactorizedEmbedding and SharedLayerEncoder.

The student's modules stay in the student process and are used through handles. What needs
the objects themselves (which parameter is which object, a backward pass) runs there in
``support/a7_modules_probe.py``, which only reports raw data: parameter names and shapes,
the output and the gradients of a backward pass, what a layer was called with. Every
expected value is computed here from weights the grader chose (the shared layer) or read
back as data (the embedding's own ``word.weight``, ``proj.weight``, ``proj.bias``).

Known mistakes are recognised by building the mutant's module here with the same sizes (a
``Call`` of the class, the answer read from the built module) or, for the encoder, with a
local layer of the same weights (``mistakes.recognise``): the encoder is given a layer, and
whether its parameters are *that* layer's can only be asked of a module built here with
a layer of ours.

One mistake, one charge: the number of passes is graded by the forward test; the mask test
records every call of the layer whatever their number, and the gradient test expects the
gradient of as many passes as the student's forward made.
"""

from __future__ import annotations

import functools
import types
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from autograder.toolkit import Call, describe, expect_equal, expect_tensor_close, fail, instance, sequence

MODULE = "efficient"
PROBE = Path(__file__).resolve().parents[1] / "support" / "a7_modules_probe.py"
RTOL, ATOL = 1e-4, 1e-5

COUNT_RULE = ("FactorizedEmbedding(V, E, H) has exactly two sub-modules, word = nn.Embedding(V, E) and proj = "
              "nn.Linear(E, H) with its bias: V*E + E*H + H parameters (BERT's single table would be V*H)")
SHAPES_RULE = ("the parameters are word.weight [V, E], proj.weight [H, E] and proj.bias [H] "
               "(word = nn.Embedding(vocab_size, embed_dim), proj = nn.Linear(embed_dim, hidden_dim))")
EMBED_FORWARD_RULE = ("forward(input_ids) looks the ids up in word, then applies proj: proj(word(input_ids)), "
                      "ids [...] -> [..., hidden_dim]")
SHARED_FORWARD_RULE = ("SharedLayerEncoder(layer, num_layers)(x) applies the one given layer num_layers times, each "
                       "output the next input: num_layers = 3 is layer(layer(layer(x)))")
SHARED_PARAMETERS_RULE = ("the encoder keeps the given layer itself (self.layer = layer, no copy, not hidden in a "
                          "plain Python list): its parameters are exactly the layer's, the same tensor objects, one "
                          "set however deep")
SHARED_ARGS_RULE = ("forward(x, *args, **kwargs) passes *args and **kwargs (a mask, keyword arguments) on to EVERY "
                    "call of the layer: self.layer(x, *args, **kwargs)")
SHARED_GRADIENT_RULE = ("in backward, every weight of the one shared layer receives the SUM of the gradients of all "
                        "its uses: the given layer's own parameters are used in every pass and nothing between the "
                        "passes is detached (.detach(), .data, torch.no_grad())")


# ---- the probe, there and here ------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _probe_source() -> str:
    return PROBE.read_text(encoding="utf-8")


def probe(student):
    """The support module in the student process (one per test: a Recorder made from it logs
    into that module)."""
    return student.support_module("a7_modules_probe", _probe_source())


@functools.lru_cache(maxsize=1)
def probe_here():
    """The same file run here, on the known mistakes' modules."""
    module = types.ModuleType("a7_modules_probe_here")
    exec(compile(_probe_source(), str(PROBE), "exec"), module.__dict__)
    return module


# ---- small helpers --------------------------------------------------------------------------------

def generator(rng):
    return torch.Generator().manual_seed(rng.randrange(2**31))


def shape(t) -> str:
    return str(list(t.shape))


def same_tensor(a, b) -> bool:
    try:
        if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape != b.shape:
            return False
        torch.testing.assert_close(a.double(), b.double(), rtol=RTOL, atol=ATOL)
        return True
    except (AssertionError, RuntimeError, TypeError, ValueError):
        return False


def rows(report, call):
    """The rows ``[name, shape, owner]`` of a parameter report, or a failure saying what came
    back (the report comes from the student process)."""
    items = sequence(report, call, what="a list of parameters")
    good = all(isinstance(r, (list, tuple)) and len(r) == 3 and isinstance(r[0], str)
               and isinstance(r[1], (list, tuple)) and all(isinstance(n, int) for n in r[1]) for r in items)
    if not good:
        raise fail("the module's named_parameters() lists (name, nn.Parameter) pairs", call, describe(report),
                   "a list of parameters")
    return [(r[0], tuple(r[1]), r[2]) for r in items]


def numbers(report) -> int:
    total = 0
    for _, dims, _ in report:
        count = 1
        for n in dims:
            count *= n
        total += count
    return total


def local_rows(module, layer=None):
    return [(r[0], tuple(r[1]), r[2]) for r in probe_here().parameter_report(module, layer)]


# ---- FactorizedEmbedding ---------------------------------------------------------------------------

def embedding_sizes(rng):
    """V, E, H with E < H (so a V x H table, a missing bias or a projection the wrong way
    round all change the count)."""
    e = rng.randint(3, 6)
    return rng.randint(20, 60), e, rng.randint(e + 3, e + 9)


def build_embedding(student, call):
    return instance(call.run(student.module(MODULE)), call, "a FactorizedEmbedding module")


def test_factorized_parameter_count(student, mistakes, rng):
    """Factorised embedding: V*E + E*H + H parameters, word.weight [V, E], proj.weight [H, E], proj.bias [H]"""
    v, e, h = embedding_sizes(rng)
    call = Call("FactorizedEmbedding", v, e, h)
    embedding = build_embedding(student, call)
    shown = Call("FactorizedEmbedding", v, e, h).shown_as(f"sum(p.numel() for p in FactorizedEmbedding({v}, {e}, "
                                                           f"{h}).parameters())")
    report = rows(probe(student).parameter_report(embedding), shown)
    expect_equal(numbers(report), v * e + e * h + h, shown, rule=COUNT_RULE, mistakes=mistakes,
                 normalize=lambda built: numbers(local_rows(built)),
                 notes=[(f"V*E + E*H + H = {v}*{e} + {e}*{h} + {h} = {v * e + e * h + h}; one V x H table would be "
                        f"{v * h}")])
    listed = Call("FactorizedEmbedding", v, e, h).shown_as(f"FactorizedEmbedding({v}, {e}, {h}).named_parameters()")
    want = {"word.weight": [v, e], "proj.weight": [h, e], "proj.bias": [h]}
    expect_equal({name: list(dims) for name, dims, _ in report}, want, listed, rule=SHAPES_RULE, mistakes=mistakes,
                 normalize=lambda built: {name: list(dims) for name, dims, _ in local_rows(built)})


def sub_weight(embedding, module_name, name, call):
    """``embedding.<module_name>.<name>`` as data (a tensor, or None for a missing bias)."""
    try:
        value = getattr(getattr(embedding, module_name), name)
    except AttributeError as exc:  # the student's object has no such attribute (raised in their process)
        raise fail("FactorizedEmbedding keeps its two sub-modules as self.word (nn.Embedding) and self.proj "
                   "(nn.Linear)", call, f"no {module_name}.{name}: {exc}", f"{module_name}.{name}") from None
    if value is None and name == "bias":
        return None
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise fail(f"{module_name}.{name} is a float parameter tensor", call, describe(value), "a float tensor")
    return value.detach()


def computed_from(word, proj, bias) -> str:
    bias_shape = "None" if bias is None else shape(bias)
    return (f"the expected values were computed here from your module's own word.weight {shape(word)}, proj.weight "
            f"{shape(proj)} and proj.bias {bias_shape}: F.linear(F.embedding(ids, word.weight), proj.weight, "
            f"proj.bias)")


def test_factorized_forward(student, mistakes, rng):
    """Factorised embedding: forward is proj(word(input_ids)), ids [...] -> [..., hidden_dim], with the module's own weights"""
    gen = generator(rng)
    v, e, h = embedding_sizes(rng)
    call = Call("FactorizedEmbedding", v, e, h)
    embedding = build_embedding(student, call)
    word = sub_weight(embedding, "word", "weight", call)
    proj = sub_weight(embedding, "proj", "weight", call)
    bias = sub_weight(embedding, "proj", "bias", call)
    state = {"word.weight": word, "proj.weight": proj}
    if bias is not None:
        state["proj.bias"] = bias
    for dims in ((rng.randint(2, 3), rng.randint(4, 7)), (rng.randint(3, 6),), (2, 2, rng.randint(2, 4))):
        ids = torch.randint(0, v, dims, generator=gen)
        try:
            want = F.linear(F.embedding(ids, word), proj, bias)
        except (RuntimeError, IndexError, TypeError) as exc:
            raise fail(SHAPES_RULE, call, f"word.weight {shape(word)}, proj.weight {shape(proj)}: "
                       f"proj(word(ids)) cannot be computed ({str(exc)[:200]})", "weights of those shapes") from None
        got = embedding(ids)
        shown = Call("FactorizedEmbedding", v, e, h).shown_as(
            f"FactorizedEmbedding({v}, {e}, {h})(input_ids of shape {list(dims)})")

        def part(built, ids=ids):
            built.load_state_dict(state)
            with torch.no_grad():
                return built(ids)

        expect_tensor_close(got, want, shown, rule=EMBED_FORWARD_RULE, mistakes=mistakes, normalize=part,
                            rtol=RTOL, atol=ATOL,
                            notes=[computed_from(word, proj, bias)])


# ---- SharedLayerEncoder ------------------------------------------------------------------------------

def linear_state(gen, d, prefix=""):
    return {f"{prefix}weight": torch.randn(d, d, generator=gen) * (1.2 / d ** 0.5),
            f"{prefix}bias": torch.randn(d, generator=gen) * 0.3}


def student_layer(student, d, state, tanh=False):
    """An nn.Linear(d, d) (or nn.Sequential(nn.Linear(d, d), nn.Tanh())) made in the student
    process, with the grader's weights."""
    tnn = student.module("torch").nn
    layer = tnn.Sequential(tnn.Linear(d, d), tnn.Tanh()) if tanh else tnn.Linear(d, d)
    layer.load_state_dict(state)
    return layer


def local_layer(d, state, tanh=False):
    layer = nn.Sequential(nn.Linear(d, d), nn.Tanh()) if tanh else nn.Linear(d, d)
    layer.load_state_dict(state)
    return layer


def build_encoder(student, layer, k, text):
    return instance(student.module(MODULE).SharedLayerEncoder(layer, k), text, "a SharedLayerEncoder module")


def passes(d, state, x, most, tanh=False):
    """[x, layer(x), layer(layer(x)), ...] up to ``most`` passes, computed here."""
    layer = local_layer(d, state, tanh)
    outs = [x]
    with torch.no_grad():
        for _ in range(most):
            outs.append(layer(outs[-1]))
    return outs


def times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def pass_count(got, outs):
    """How many passes of the layer ``got`` equals, or None."""
    return next((j for j, out in enumerate(outs) if same_tensor(got, out)), None)


def test_shared_forward(student, mistakes, rng):
    """Shared layers: the encoder applies the one given layer exactly num_layers times (compared with layer(layer(...(x))))"""
    gen = generator(rng)
    d = rng.randint(4, 6)
    x = torch.randn(2, rng.randint(3, 5), d, generator=gen)
    # num_layers = 1 first, then 3 or more: there, one pass, num_layers - 1 and num_layers + 1 all differ
    for k in (1, rng.randint(3, 5)):
        state = linear_state(gen, d)
        layer = student_layer(student, d, state)
        text = f"SharedLayerEncoder(nn.Linear({d}, {d}), {k})(x of shape {shape(x)})"
        encoder = build_encoder(student, layer, k, text)
        got = encoder(x)
        outs = passes(d, state, x, k + 3)
        if same_tensor(got, outs[k]):
            continue
        count = pass_count(got, outs)
        notes = [(f"the expected value is the nn.Linear({d}, {d}) you were given (with weights chosen here) applied "
                 f"{times(k)}")]
        if count is not None:
            notes.insert(0, "your output is x itself: the layer applied 0 times" if count == 0 else
                         f"your output equals the layer applied {times(count)}")

        def behaves_like(module, k=k, state=state, got=got):
            built = module.SharedLayerEncoder(local_layer(d, state), k)
            with torch.no_grad():
                return same_tensor(got, built(x))

        raise fail(SHARED_FORWARD_RULE, text, describe(got), describe(outs[k]), notes=notes,
                   diagnosis=mistakes.recognise("SharedLayerEncoder", behaves_like))


def sharing(report) -> tuple[int, int, int]:
    """(parameter tensors, numbers in all, tensors that are the given layer's own)."""
    return len(report), numbers(report), sum(owner is not None for _, _, owner in report)


def show_sharing(value) -> str:
    tensors, total, own = value
    return f"{tensors} parameter tensors, {total} numbers in all, {own} of them the given layer's own"


def test_shared_parameters_are_the_layers(student, mistakes, rng):
    """Shared layers: the encoder's parameters are the given layer's own (one set however deep, the same objects)"""
    gen = generator(rng)
    d, k = rng.randint(3, 6), rng.randint(2, 5)
    state = linear_state(gen, d)
    layer = student_layer(student, d, state)
    text = f"SharedLayerEncoder(layer, {k}).named_parameters() with layer = nn.Linear({d}, {d})"
    encoder = build_encoder(student, layer, k, text)
    got = sharing(rows(probe(student).parameter_report(encoder, layer), text))
    want = (2, d * d + d, 2)
    if got == want:
        return

    def behaves_like(module):
        mine = local_layer(d, state)
        return sharing(local_rows(module.SharedLayerEncoder(mine, k), mine)) == got

    raise fail(SHARED_PARAMETERS_RULE, text, show_sharing(got), show_sharing(want),
               notes=[(f"nn.Linear({d}, {d}) has {d * d + d} parameters (weight and bias); the parameters were "
                      f"compared by identity with the layer's, next to your code")],
               diagnosis=mistakes.recognise("SharedLayerEncoder", behaves_like))


def calls_summary(calls, mask, what):
    """The distinct (what the mask argument was, scale) of the recorded calls, sorted."""
    if not isinstance(calls, list):
        raise fail("the layer records its calls", what, describe(calls), "a list of calls")
    seen = set()
    for call in calls:
        given, scale = call
        state = "the mask" if given == mask else ("no mask" if given is None else "another mask")
        seen.add((state, float(scale)))
    return tuple(sorted(seen))


def show_calls(summary) -> str:
    if not summary:
        return "no call of the layer at all"
    given = [f"{state} and scale={scale:g}" for state, scale in summary]
    if len(given) == 1:
        return given[0] + " at every call"
    return "calls with " + ", others with ".join(given)


def test_shared_passes_mask_to_every_call(student, mistakes, rng):
    """Shared layers: forward(x, *args, **kwargs) passes the mask and keyword arguments to every call of the layer"""
    gen = generator(rng)
    b, length, d, k = 2, rng.randint(4, 6), rng.randint(3, 5), rng.randint(2, 4)
    x = torch.randn(b, length, d, generator=gen)
    mask = torch.ones(b, length, dtype=torch.bool)
    mask[0, rng.randint(1, length - 1):] = False
    mask[1, rng.randint(1, length - 1):] = False
    scale = rng.choice((0.5, 2.0, 3.0))
    for args, kwargs, shown in (((mask,), {}, "(x, mask)"), ((), {"mask": mask, "scale": scale},
                                                                f"(x, mask=mask, scale={scale:g})")):
        kit = probe(student)
        layer = kit.Recorder()
        text = (f"what the layer was given in SharedLayerEncoder(layer, {k}){shown}, with x of shape {shape(x)}, a "
                f"bool mask of shape {shape(mask)} and layer a module whose forward is (x, mask=None, scale=1.0)")
        encoder = build_encoder(student, layer, k, text)
        kit.take_calls()
        encoder(x, *args, **kwargs)
        want = (("the mask", float(kwargs.get("scale", 1.0))),)
        got = calls_summary(kit.take_calls(), mask.tolist(), text)
        if got == want:
            continue

        def behaves_like(module, args=args, kwargs=kwargs, text=text, got=got):
            here = probe_here()
            here.take_calls()
            module.SharedLayerEncoder(here.Recorder(), k)(x, *args, **kwargs)
            return calls_summary(here.take_calls(), mask.tolist(), text) == got

        raise fail(SHARED_ARGS_RULE, text, show_calls(got), show_calls(want),
                   notes=["every call of the layer (however many the encoder makes) was recorded next to your code"],
                   diagnosis=mistakes.recognise("SharedLayerEncoder", behaves_like))


def expected_gradients(d, state, x, upstream, count):
    layer = local_layer(d, state, tanh=True)
    out = x
    for _ in range(count):
        out = layer(out)
    if count:
        (out * upstream).sum().backward()
    return {name: (torch.zeros_like(p) if p.grad is None else p.grad.detach().clone())
            for name, p in layer.named_parameters()}


def gradients_of(value, call, names):
    """The {name: gradient or None} a backward pass reported, checked as data."""
    out, grads = sequence(value, call, 2)
    if not isinstance(grads, dict) or set(grads) != set(names):
        raise fail("the layer's parameters are its own (0.weight, 0.bias)", call, describe(grads),
                   f"gradients for {sorted(names)}")
    return out, grads


def same_gradients(a, b) -> bool:
    return set(a) == set(b) and all(
        (a[name] is None and b[name] is None) or same_tensor(a[name], b[name]) for name in a)


def show_gradients(grads) -> str:
    return "; ".join(f"{name}.grad = {'None (no gradient)' if g is None else describe(g)}"
                     for name, g in sorted(grads.items()))


def test_shared_gradients_are_summed(student, mistakes, rng):
    """Shared layers: in backward each shared weight receives the sum of the gradients of every pass"""
    gen = generator(rng)
    d, k = rng.randint(3, 5), rng.randint(2, 4)
    state = linear_state(gen, d, prefix="0.")
    x = torch.randn(3, d, generator=gen)
    upstream = torch.randn(3, d, generator=gen)
    layer = student_layer(student, d, state, tanh=True)
    text = (f"the given layer's .grad after (encoder(x) * g).sum().backward(), encoder = SharedLayerEncoder(layer, "
            f"{k}), layer = nn.Sequential(nn.Linear({d}, {d}), nn.Tanh()), x and g of shape {shape(x)}")
    encoder = build_encoder(student, layer, k, text)
    out, grads = gradients_of(probe(student).shared_gradients(encoder, layer, x, upstream), text,
                              ("0.weight", "0.bias"))
    # One mistake, one charge: the number of passes is graded by the forward test
    count = pass_count(out, passes(d, state, x, k + 3, tanh=True))
    notes = [("the gradients of the layer you were given were read next to your code; the expected ones were "
             "computed here with the same weights and input")]
    if count is None or count == 0:
        count = k
    elif count != k:
        notes.append(f"your forward applies the layer {times(count)} (graded in the forward test): the expected "
                     f"gradient here is the sum over {'that pass' if count == 1 else f'those {count} passes'}")
    want = expected_gradients(d, state, x, upstream, count)
    if same_gradients(grads, want):
        return

    def behaves_like(module):
        mine = local_layer(d, state, tanh=True)
        _, theirs = probe_here().shared_gradients(module.SharedLayerEncoder(mine, k), mine, x, upstream)
        return same_gradients(theirs, grads)

    raise fail(SHARED_GRADIENT_RULE, text, show_gradients(grads), show_gradients(want), notes=notes,
               diagnosis=mistakes.recognise("SharedLayerEncoder", behaves_like))

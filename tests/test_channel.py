"""The data-only channel: values survive the round trip, nothing executable crosses."""

import collections
import dataclasses
import math

import numpy as np
import pytest
import torch

from autograder import channel


def roundtrip(value, on_other=None):
    encoder = channel.Encoder(on_other or (lambda v: (_ for _ in ()).throw(TypeError(type(v).__name__))))
    doc = encoder.encode(value)
    header_and_payload = channel.pack({"op": "return", "value": doc}, encoder.arrays)
    header = header_and_payload[: channel.HEADER.size]
    message, blob = channel.unpack(header, header_and_payload[channel.HEADER.size:])
    decoder = channel.Decoder(channel.load_arrays(message, blob), lambda d: ("handle", d["$handle"]), lambda d: None)
    return decoder.decode(message["value"])


def test_plain_data_round_trips():
    value = [1, 2.5, "x", None, True, (1, (2, "a")), {"k": [1, 2]}, {(1, 2): "tuple key"}]
    assert roundtrip(value) == value


def test_counter_keeps_tuple_keys_and_type():
    counter = collections.Counter({("a", "b"): 2, ("c",): 1})
    back = roundtrip(counter)
    assert isinstance(back, collections.Counter) and back == counter


def test_nan_and_infinity_survive():
    back = roundtrip([math.nan, math.inf])
    assert math.isnan(back[0]) and back[1] == math.inf


def test_tensors_and_arrays_keep_dtype_and_values():
    t = torch.arange(6, dtype=torch.long).reshape(2, 3)
    a = np.linspace(0, 1, 4, dtype=np.float32)
    back_t, back_a, scalar = roundtrip([t, a, np.float64(0.25)])
    assert back_t.dtype == torch.long and torch.equal(back_t, t)
    assert back_a.dtype == np.float32 and np.array_equal(back_a, a)
    assert scalar == 0.25 and type(scalar) is float


def test_tensor_subclass_arrives_as_plain_tensor():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

    liar = torch.zeros(3).as_subclass(Liar)
    back = roundtrip(liar)
    assert type(back) is torch.Tensor
    assert not torch.equal(back, torch.ones(3))


def test_dataclass_becomes_record():
    @dataclasses.dataclass
    class Hypothesis:
        tokens: list
        logprob: float

    back = roundtrip(Hypothesis([1, 2], -0.5))
    assert back._type == "Hypothesis" and back.tokens == [1, 2] and back.logprob == -0.5


def test_other_objects_go_through_the_handler():
    back = roundtrip([object()], on_other=lambda v: {"$handle": 7, "type": "object"})
    assert back == [("handle", 7)]


def test_oversized_frame_is_refused():
    header = channel.HEADER.pack(10, channel.MAX_FRAME_BYTES)
    with pytest.raises(channel.ChannelError):
        channel.frame_size(header)


def test_garbage_is_a_channel_error():
    with pytest.raises(channel.ChannelError):
        channel.unpack(channel.HEADER.pack(3, 0), b"\xff\xfe\x00")

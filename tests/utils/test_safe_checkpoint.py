"""Checkpoints load with weights_only=True: mmengine's own objects pass,
anything else is refused with an error naming the file."""
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import CheckpointLoader

from tsptools.utils import (enable_safe_checkpoint_loading, load_checkpoint_file,
                            restricted_getattr)


class Payload:
    """Runs a shell command when unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


@pytest.fixture
def safe_loading():
    """mmengine's local loader replaced, as the tools do it."""
    enable_safe_checkpoint_loading()


def test_importing_the_package_changes_no_loader():
    """Checkpoint safety is an explicit call, not an import side effect."""
    import subprocess
    import sys
    code = ('from mmengine.runner.checkpoint import CheckpointLoader as C\n'
            'before = C._schemes[""]\n'
            'from tsptools.utils import register_all_modules\n'
            'register_all_modules()\n'
            'import tsptools.engine, tsptools.models, tsptools.apis\n'
            'assert C._schemes[""] is before, C._schemes[""]\n'
            'from tsptools.utils import enable_safe_checkpoint_loading as e\n'
            'e(); e()\n'
            'assert C._schemes[""].__module__ == "tsptools.utils.safe_checkpoint"\n')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_message_hub_with_history_buffers_round_trips(tmp_path, safe_loading):
    hub = MessageHub.get_instance('safe_ckpt_test')
    for value in (1.0, 2.0, 4.0):
        hub.update_scalar('train/loss', value)
    hub.update_info('epoch', 3)
    path = tmp_path / 'ckpt.pth'
    torch.save(dict(state_dict={'w': torch.ones(2)},
                    message_hub=hub.state_dict(),
                    meta=dict(epoch=3, seed=np.int64(0),
                              arr=np.arange(3.0))), path)
    ckpt = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(7 / 3)
    assert buffer.statistics('max') == 4.0
    assert ckpt['meta']['arr'].tolist() == [0.0, 1.0, 2.0]


def test_checkpoint_with_arbitrary_object_is_refused(tmp_path, safe_loading):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, extra=Payload(marker)), path)
    with pytest.raises(pickle.UnpicklingError, match='evil.pth'):
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    with pytest.raises(pickle.UnpicklingError, match='evil.pth'):
        load_checkpoint_file(str(path))
    assert not marker.exists()


def test_restricted_getattr_only_serves_history_buffer_statistics():
    assert restricted_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError):
        restricted_getattr(os, 'system')
    with pytest.raises(pickle.UnpicklingError):
        restricted_getattr(HistoryBuffer, '__init__')


def test_missing_checkpoint_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='none.pth'):
        load_checkpoint_file(str(tmp_path / 'none.pth'))

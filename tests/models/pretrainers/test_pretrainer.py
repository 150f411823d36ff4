import pytest
import torch
from mmengine.config import Config
from mmengine.structures import BaseDataElement

from tests.conftest import TAC_CONFIG
from tsptools.registry import MODELS
from tsptools.utils import register_all_modules


def tiny_model_cfg(head=None):
    register_all_modules()
    cfg = Config.fromfile(TAC_CONFIG).model
    cfg.backbone.base_channels = 4
    cfg.head = head or dict(type='TACHead', num_classes=3, in_channels=32)
    return cfg


def test_modes_and_feature_shape():
    model = MODELS.build(tiny_model_cfg())
    model.init_weights()
    x = torch.randn(2, 1, 3, 8, 32, 32)
    assert model(x, mode='tensor').shape == (2, 32)
    sample = BaseDataElement()
    sample.set_field(torch.tensor(1), 'action_label')
    losses = model(x, [sample, sample], mode='loss')
    assert set(losses) == {'loss_action', 'acc_action'}
    preds = model(x, [sample, sample], mode='predict')
    assert preds[0].pred_action.shape == (3, )
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(x, mode='nope')


def test_predict_averages_clips_of_a_sample():
    model = MODELS.build(tiny_model_cfg()).eval()
    x = torch.randn(1, 2, 3, 8, 32, 32)
    with torch.no_grad():
        feats = model(x, mode='tensor')
        pred = model(x, [BaseDataElement()], mode='predict')[0].pred_action
        expected = model.head(feats.mean(0, keepdim=True)).softmax(-1)[0]
    assert torch.allclose(pred, expected, atol=1e-6)


def test_backbone_only_init_from_another_pretrainer(tmp_path):
    source = MODELS.build(tiny_model_cfg())
    source.init_weights()
    path = tmp_path / 'tac.pth'
    torch.save(dict(state_dict=source.state_dict()), path)
    cfg = tiny_model_cfg(head=dict(type='TACHead', num_classes=3,
                                   in_channels=32))
    cfg.init_cfg = dict(type='Pretrained', checkpoint=str(path),
                        prefix='backbone.')
    target = MODELS.build(cfg)
    target.init_weights()
    for key, value in source.backbone.state_dict().items():
        assert torch.equal(value, target.backbone.state_dict()[key]), key
    # the head is not copied: it keeps its own initialisation
    assert not torch.equal(source.head.fc_action.weight,
                           target.head.fc_action.weight)


def test_init_from_unrelated_checkpoint_is_an_error(tmp_path):
    path = tmp_path / 'other.pth'
    torch.save(dict(state_dict={'encoder.w': torch.ones(1)}), path)
    cfg = tiny_model_cfg()
    cfg.init_cfg = dict(type='Pretrained', checkpoint=str(path),
                        prefix='backbone.')
    with pytest.raises(KeyError, match='other.pth'):
        MODELS.build(cfg).init_weights()


def test_tsm_2d_backbone_folds_time_into_the_batch():
    register_all_modules()
    cfg = tiny_model_cfg()
    cfg.backbone = dict(type='mmaction.ResNetTSM', depth=18, num_segments=4,
                        pretrained=None, pretrained2d=False, norm_eval=False)
    cfg.head.in_channels = 512
    model = MODELS.build(cfg).eval()
    x = torch.randn(2, 3, 4, 32, 32)
    with torch.no_grad():
        feats = model(x, mode='tensor')
        # the same as running the 2D network on the 8 frames and averaging
        # each clip's 4 frames over time and space
        maps = model.backbone(x.transpose(1, 2).flatten(0, 1))
        expected = maps.mean((2, 3)).view(2, 4, -1).mean(1)
    assert feats.shape == (2, 512)
    assert torch.allclose(feats, expected, atol=1e-5)
    with pytest.raises(ValueError, match='num_segments=4.*8 frames'):
        model(torch.randn(1, 3, 8, 32, 32), mode='tensor')

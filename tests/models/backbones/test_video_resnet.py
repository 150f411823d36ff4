"""The official TSP backbones have torchvision's exact keys and shapes.

The expected state_dicts are written here from the definitions in
torchvision's ``models/video/resnet.py`` and TSP's ``models/backbone.py``,
independently of tsptools' classes; torchvision is not needed.
"""
import pytest
import torch

from tsptools.models.backbones import R2Plus1D18, R2Plus1D34, R3D18
from tsptools.registry import MODELS
from tsptools.utils import register_all_modules

# torchvision's documented ``num_params`` less the 400-class fc (512*400+400)
FC_400 = 512 * 400 + 400
ARCHS = {
    # name: (class, blocks per layer, conv, stem, BN eps, BN momentum)
    'r2plus1d_18': (R2Plus1D18, (2, 2, 2, 2), 'torchvision', 'r2plus1d',
                    1e-5, 0.1),
    'r2plus1d_34': (R2Plus1D34, (3, 4, 6, 3), 'tsp', 'r2plus1d', 1e-3, 0.9),
    'r3d_18': (R3D18, (2, 2, 2, 2), '3d', 'basic', 1e-5, 0.1),
}


def mid(cin, cout):
    return (cin * cout * 3 * 3 * 3) // (cin * 3 * 3 + 3 * cout)


def bn(prefix, c):
    return [(f'{prefix}.weight', (c, )), (f'{prefix}.bias', (c, )),
            (f'{prefix}.running_mean', (c, )),
            (f'{prefix}.running_var', (c, )),
            (f'{prefix}.num_batches_tracked', ())]


def torchvision_keys(arch):
    """(key, shape) of torchvision's VideoResNet state_dict without fc, in
    its order: stem, then per block conv1, conv2, downsample."""
    _, layers, conv, stem, _, _ = ARCHS[arch]
    if stem == 'r2plus1d':
        keys = [('stem.0.weight', (45, 3, 1, 7, 7))] + bn('stem.1', 45) + \
            [('stem.3.weight', (64, 45, 3, 1, 1))] + bn('stem.4', 64)
    else:
        keys = [('stem.0.weight', (64, 3, 3, 7, 7))] + bn('stem.1', 64)
    inplanes = 64
    for layer, (planes, blocks) in enumerate(zip((64, 128, 256, 512), layers),
                                             start=1):
        for b in range(blocks):
            cin = inplanes if b == 0 else planes
            pre = f'layer{layer}.{b}'
            for name, ci in (('conv1', cin), ('conv2', planes)):
                if conv == '3d':
                    keys.append((f'{pre}.{name}.0.weight',
                                 (planes, ci, 3, 3, 3)))
                else:
                    # torchvision: one midplanes per block (from the block's
                    # in/out); TSP: recomputed from each conv's in/out
                    m = mid(cin, planes) if conv == 'torchvision' \
                        else mid(ci, planes)
                    keys += [(f'{pre}.{name}.0.0.weight', (m, ci, 1, 3, 3))]
                    keys += bn(f'{pre}.{name}.0.1', m)
                    keys += [(f'{pre}.{name}.0.3.weight',
                              (planes, m, 3, 1, 1))]
                keys += bn(f'{pre}.{name}.1', planes)
            if b == 0 and layer > 1:
                keys += [(f'{pre}.downsample.0.weight',
                          (planes, cin, 1, 1, 1))]
                keys += bn(f'{pre}.downsample.1', planes)
        inplanes = planes
    return keys


def random_state_dict(arch, seed=0):
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape in torchvision_keys(arch):
        if key.endswith('num_batches_tracked'):
            state[key] = torch.tensor(7)
        elif key.endswith('running_var'):
            state[key] = torch.rand(shape, generator=gen) + 0.5
        else:
            state[key] = torch.randn(shape, generator=gen)
    return state


@pytest.fixture(scope='module')
def models():
    return {arch: ARCHS[arch][0]() for arch in ARCHS}


def test_known_mid_channels():
    keys = {arch: dict(torchvision_keys(arch)) for arch in ARCHS}
    assert keys['r2plus1d_18']['layer1.0.conv1.0.0.weight'] == (144, 64, 1, 3,
                                                                3)
    assert keys['r2plus1d_18']['layer2.0.conv2.0.0.weight'] == (230, 128, 1,
                                                                3, 3)
    assert keys['r2plus1d_34']['layer2.0.conv1.0.0.weight'] == (230, 64, 1, 3,
                                                                3)
    assert keys['r2plus1d_34']['layer2.0.conv2.0.0.weight'] == (288, 128, 1,
                                                                3, 3)


@pytest.mark.parametrize('arch', list(ARCHS))
def test_state_dict_is_torchvision_layout(models, arch):
    got = [(k, tuple(v.shape)) for k, v in models[arch].state_dict().items()]
    assert got == torchvision_keys(arch)


@pytest.mark.parametrize('arch', list(ARCHS))
def test_torchvision_and_tsp_state_dicts_load_strictly(arch):
    model = ARCHS[arch][0]()
    state = random_state_dict(arch)
    model.load_state_dict(state, strict=True)
    assert torch.equal(model.state_dict()['layer4.1.conv2.1.weight'],
                       state['layer4.1.conv2.1.weight'])
    # released TSP checkpoint: 'model' = 'features.' + keys, plus the heads
    tsp = {'features.' + k: v for k, v in random_state_dict(arch, 1).items()}
    tsp.update({'fc1.weight': torch.zeros(200, 512), 'fc1.bias':
                torch.zeros(200), 'fc2.weight': torch.zeros(2, 1024),
                'fc2.bias': torch.zeros(2)})
    features = {k[len('features.'):]: v for k, v in tsp.items()
                if k.startswith('features.')}
    model.load_state_dict(features, strict=True)
    assert torch.equal(model.stem[0].weight, tsp['features.stem.0.weight'])


def test_parameter_counts(models):
    counts = {arch: sum(p.numel() for p in m.parameters())
              for arch, m in models.items()}
    # torchvision's documented num_params (R2Plus1D_18_Weights,
    # R3D_18_Weights) less the fc
    assert counts['r2plus1d_18'] == 31_505_325 - FC_400 == 31_300_125
    assert counts['r3d_18'] == 33_371_472 - FC_400 == 33_166_272
    expected_34 = sum(
        torch.Size(s).numel() for k, s in torchvision_keys('r2plus1d_34')
        if not k.endswith(('running_mean', 'running_var', 'tracked')))
    assert counts['r2plus1d_34'] == expected_34 == 63_491_975


@pytest.mark.parametrize('arch', list(ARCHS))
def test_bn_settings_and_overrides(models, arch):
    cls, _, _, _, eps, momentum = ARCHS[arch]
    bns = [m for m in models[arch].modules()
           if isinstance(m, torch.nn.BatchNorm3d)]
    assert bns and all(m.eps == eps and m.momentum == momentum for m in bns)
    if arch == 'r2plus1d_18':  # overrides, checked on the cheapest build
        model = cls(bn_eps=1e-3, bn_momentum=0.5)
        assert all(m.eps == 1e-3 and m.momentum == 0.5
                   for m in model.modules()
                   if isinstance(m, torch.nn.BatchNorm3d))


@pytest.mark.parametrize('arch', list(ARCHS))
def test_feature_map_at_112(models, arch):
    model = models[arch].eval()
    with torch.no_grad():
        out = model(torch.randn(1, 3, 16, 112, 112))
    assert out.shape == (1, 512, 2, 7, 7)


def test_init_is_torchvision(models):
    model = models['r3d_18']
    conv = model.layer3[0].conv1[0].weight  # 256 x 128 x 3 x 3 x 3
    fan_out = 256 * 27
    assert conv.std().item() == pytest.approx((2 / fan_out)**0.5, rel=0.05)
    assert torch.all(model.layer3[0].conv1[1].weight == 1)
    assert torch.all(model.layer3[0].conv1[1].bias == 0)


def test_frozen_stem_keeps_bn_in_train_mode():
    model = R2Plus1D18(frozen_stages=0)
    model.train()
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    assert frozen and all(n.startswith('stem.') for n in frozen)
    assert all(p.requires_grad for n, p in model.named_parameters()
               if not n.startswith('stem.'))
    assert model.stem[1].training and model.stem[4].training
    before = model.stem[1].running_mean.clone()
    out = model(torch.randn(2, 3, 8, 32, 32))
    assert not torch.equal(model.stem[1].running_mean, before)
    out.sum().backward()
    assert model.stem[0].weight.grad is None
    assert model.layer1[0].conv1[0][0].weight.grad is not None


def test_frozen_stages_k_and_norm_eval():
    model = R3D18(frozen_stages=2, norm_eval=True)
    model.train()
    for name, param in model.named_parameters():
        frozen = name.startswith(('stem.', 'layer1.', 'layer2.'))
        assert param.requires_grad != frozen, name
    # a later train() keeps the freezing and norm_eval
    for param in model.parameters():
        param.requires_grad = True
    model.train()
    assert not model.stem[0].weight.requires_grad
    assert not model.layer2[1].conv2[0].weight.requires_grad
    assert model.layer3[0].conv1[0].weight.requires_grad
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm3d)]
    assert all(not m.training for m in bns)
    assert model.layer3[0].conv1[0].training
    before = model.stem[1].running_mean.clone()
    model(torch.randn(1, 3, 8, 32, 32))
    assert torch.equal(model.stem[1].running_mean, before)


def test_bad_arguments():
    from tsptools.models.backbones import VideoResNet
    with pytest.raises(ValueError, match='conv_type'):
        VideoResNet(conv_type='2plus1d')
    with pytest.raises(ValueError, match='frozen_stages'):
        VideoResNet(frozen_stages=5)


def test_registered():
    register_all_modules()
    for name in ('VideoResNet', 'R2Plus1D18', 'R2Plus1D34', 'R3D18'):
        assert MODELS.get(name) is not None, name
    model = MODELS.build(dict(type='VideoResNet', layers=(1, 1, 1, 1),
                              conv_type='3d', stem='basic'))
    assert model(torch.randn(1, 3, 8, 32, 32)).shape == (1, 512, 1, 2, 2)

"""Module cases: Conv1d/2d/3d, ConvTranspose1d/2d/3d, Fold, Unfold."""
from tests.nn.harness import ModuleCase
from tests.oracle.harness import arr


def _x(*shape):
    return lambda rng, dt: (arr(rng, shape, dt),)


_MODES = ('zeros', 'reflect', 'replicate', 'circular')

CASES = [
    # Conv1d
    ModuleCase('Conv1d', lambda nn: nn.Conv1d(3, 4, 3), _x(2, 3, 7), desc='basic', atol=2e-5),
    ModuleCase('Conv1d', lambda nn: nn.Conv1d(4, 6, 2, stride=2, padding=1, groups=2,
                                              bias=False), _x(1, 4, 9), desc='groups-nobias',
               atol=2e-5),
    ModuleCase('Conv1d', lambda nn: nn.Conv1d(2, 3, 4, padding='same', dilation=2), _x(2, 9),
               desc='same-unbatched', atol=2e-5),
    ModuleCase('Conv1d', lambda nn: nn.Conv1d(2, 2, 3, padding='valid'), _x(1, 2, 5),
               desc='valid', atol=2e-5),
] + [
    ModuleCase('Conv1d', lambda nn, m=m: nn.Conv1d(2, 3, 3, padding=2, padding_mode=m),
               _x(2, 2, 6), desc=f'mode-{m}', atol=2e-5) for m in _MODES
] + [
    # Conv2d
    ModuleCase('Conv2d', lambda nn: nn.Conv2d(1, 6, 5), _x(2, 1, 12, 12), desc='lenet',
               atol=2e-5),
    ModuleCase('Conv2d', lambda nn: nn.Conv2d(3, 4, 3, stride=2, padding=1), _x(2, 3, 7, 7),
               desc='stride2', atol=2e-5),
    ModuleCase('Conv2d', lambda nn: nn.Conv2d(4, 4, 3, groups=4, dilation=2, padding=2),
               _x(1, 4, 6, 5), desc='depthwise-dilation', atol=2e-5),
    ModuleCase('Conv2d', lambda nn: nn.Conv2d(2, 3, (2, 3), padding='same', bias=False),
               _x(2, 5, 6), desc='same-even-unbatched', atol=2e-5),
    ModuleCase('Conv2d', lambda nn: nn.Conv2d(2, 3, 1), _x(1, 2, 3, 3), desc='1x1-batch1',
               atol=2e-5),
] + [
    ModuleCase('Conv2d', lambda nn, m=m: nn.Conv2d(2, 3, 3, stride=(1, 2), padding=(1, 2),
                                                   padding_mode=m),
               _x(2, 2, 5, 6), desc=f'mode-{m}', atol=2e-5) for m in _MODES
] + [
    ModuleCase('Conv2d', lambda nn: nn.Conv2d(2, 3, 3, padding='same', padding_mode='circular'),
               _x(1, 2, 4, 4), desc='same-circular', atol=2e-5),
    # Conv3d
    ModuleCase('Conv3d', lambda nn: nn.Conv3d(2, 3, 2), _x(1, 2, 3, 4, 3), desc='basic',
               atol=2e-5),
    ModuleCase('Conv3d', lambda nn: nn.Conv3d(2, 4, 3, stride=2, padding=1, groups=2),
               _x(2, 2, 4, 4, 5), desc='groups-stride', atol=2e-5),
    ModuleCase('Conv3d', lambda nn: nn.Conv3d(1, 2, (1, 2, 3), padding='same', bias=False),
               _x(1, 3, 4, 4), desc='same-unbatched', atol=2e-5),
] + [
    ModuleCase('Conv3d', lambda nn, m=m: nn.Conv3d(1, 2, 2, padding=1, padding_mode=m),
               _x(1, 1, 3, 3, 3), desc=f'mode-{m}', atol=2e-5) for m in _MODES[1:]
] + [
    # ConvTranspose
    ModuleCase('ConvTranspose1d', lambda nn: nn.ConvTranspose1d(3, 2, 3, stride=2),
               _x(2, 3, 5), desc='stride2', atol=2e-5),
    ModuleCase('ConvTranspose1d', lambda nn: nn.ConvTranspose1d(4, 4, 3, stride=2, padding=1,
                                                                output_padding=1, groups=2,
                                                                bias=False, dilation=2),
               _x(4, 3), desc='all-args-unbatched', atol=2e-5),
    ModuleCase('ConvTranspose2d', lambda nn: nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1),
               _x(2, 4, 3, 3), desc='dcgan', atol=2e-5),
    ModuleCase('ConvTranspose2d', lambda nn: nn.ConvTranspose2d(2, 4, 3, stride=(2, 3),
                                                                padding=(1, 0),
                                                                output_padding=(1, 2),
                                                                groups=2),
               _x(1, 2, 3, 2), desc='outpad-groups', atol=2e-5),
    ModuleCase('ConvTranspose2d', lambda nn: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1),
               _x(1, 3, 4, 4), desc='output_size', atol=2e-5,
               call=lambda m, x: m(x, output_size=[8, 8])),
    ModuleCase('ConvTranspose2d', lambda nn: nn.ConvTranspose2d(3, 2, 3, stride=2),
               _x(3, 2, 2), desc='output_size-unbatched-full', atol=2e-5,
               call=lambda m, x: m(x, output_size=(2, 6, 6))),
    ModuleCase('ConvTranspose3d', lambda nn: nn.ConvTranspose3d(2, 2, 2, stride=2, padding=1,
                                                                output_padding=1),
               _x(1, 2, 2, 3, 2), desc='basic', atol=2e-5),
    # Fold / Unfold
    ModuleCase('Unfold', lambda nn: nn.Unfold(kernel_size=(2, 3), dilation=(1, 2), padding=1,
                                              stride=2), _x(2, 3, 5, 6), desc='all-args'),
    ModuleCase('Unfold', lambda nn: nn.Unfold(2), _x(2, 3, 3), desc='unbatched'),
    ModuleCase('Fold', lambda nn: nn.Fold(output_size=(4, 5), kernel_size=2), _x(2, 12, 12),
               desc='basic'),
    ModuleCase('Fold', lambda nn: nn.Fold((5, 5), (2, 3), dilation=(2, 1), padding=1,
                                          stride=2), _x(6, 9), desc='all-args-unbatched'),
]

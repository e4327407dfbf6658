#!/usr/bin/python3
"""Exports small models with torch.onnx.export for vae/onnx's tests: one
per group of operators, and a VAE decoder and encoder of an architecture
the app does not define (BatchNorm, LeakyReLU, Upsample+Conv,
ConvTranspose), at several opsets. For each case NAME it writes NAME.onnx
and NAME.json: the inputs given and the outputs PyTorch computed.

Usage: onnx_testmodels.py OUTDIR
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
out = sys.argv[1]
os.makedirs(out, exist_ok=True)


class MLPDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 64), nn.BatchNorm1d(64),
                                 nn.LeakyReLU(0.2), nn.Linear(64, 64), nn.Sigmoid())

    def forward(self, z):
        return self.net(z).view(-1, 1, 8, 8)


class Acts(nn.Module):
    def forward(self, x):
        return torch.cat([torch.tanh(x), F.elu(x), F.softplus(x), torch.exp(0.1 * x), torch.sigmoid(x) - 0.5,
                          x / 2.0, torch.clamp(x, -1.0, 1.0), x * x - x, torch.relu(x)], dim=1)


class ConvDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 8 * 4 * 4)
        self.up1 = nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c1 = nn.Conv2d(8, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 1, 3, padding=1)

    def forward(self, z):
        h = self.fc(z).view(-1, 8, 4, 4)
        h = F.leaky_relu(self.bn(self.up1(h)), 0.1)
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = torch.relu(self.c1(h))
        h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
        return torch.sigmoid(self.c2(h))


class ConvEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16 * 8 * 8, 2 * 4)

    def forward(self, x):
        h = torch.relu(self.bn(self.c1(x)))
        h = F.elu(self.c2(h))
        mu, logvar = self.fc(h.flatten(1)).chunk(2, dim=1)
        return mu, logvar


class Shapes(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, 6))

    def forward(self, x):
        y = x.permute(0, 2, 1, 3)
        s = y[:, 1:3, :, ::2]
        u = s.unsqueeze(1).squeeze(1)
        m = torch.matmul(u, self.w)
        first = x[:, 0]
        a, b = torch.split(x, [1, 2], dim=1)
        zeros = torch.zeros(x.shape[0], 2) + 0.5
        return m.reshape(x.shape[0], -1), first.transpose(1, 2) - 1, b - a, zeros


class ConvVariants(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
        self.tg = nn.ConvTranspose2d(6, 4, 3, stride=1, padding=0, groups=2, bias=False)
        self.g = nn.Conv2d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2)

    def forward(self, x):
        return self.g(self.tg(self.t(x)))


def bn_stats(m):
    # BatchNorm layers with running statistics that are not the defaults
    for mod in m.modules():
        if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.2, 0.2)
    return m


cases = [
    ("mlp_dec_13", MLPDecoder(), {"z": torch.randn(4, 3)}, 13, True),
    ("mlp_dec_static_13", MLPDecoder(), {"z": torch.randn(4, 3)}, 13, False),  # a batch of 4 only
    ("acts_13", Acts(), {"x": torch.randn(3, 16) * 2}, 13, False),
    ("conv_dec_11", ConvDecoder(), {"z": torch.randn(2, 4)}, 11, True),
    ("conv_dec_13", ConvDecoder(), {"z": torch.randn(2, 4)}, 13, True),
    ("conv_dec_17", ConvDecoder(), {"z": torch.randn(2, 4)}, 17, True),
    ("conv_encoder_13", ConvEncoder(), {"x": torch.rand(2, 1, 32, 32)}, 13, True),
    ("shapes_11", Shapes(), {"x": torch.randn(2, 3, 4, 5)}, 11, True),
    ("shapes_13", Shapes(), {"x": torch.randn(2, 3, 4, 5)}, 13, True),
    ("conv_variants_13", ConvVariants(), {"x": torch.randn(2, 4, 5, 6)}, 13, False),
]
for name, model, inputs, opset, dynamic in cases:
    model = bn_stats(model).eval()
    args = tuple(inputs.values())
    with torch.no_grad():
        res = model(*args)
    if not isinstance(res, tuple):
        res = (res,)
    outs = ["out%d" % i for i in range(len(res))]
    if name.startswith("conv_encoder"):
        outs = ["mu", "logvar"]
    axes = {k: {0: "batch"} for k in list(inputs) + outs} if dynamic else None
    torch.onnx.export(model, args, os.path.join(out, name + ".onnx"), input_names=list(inputs),
                      output_names=outs, opset_version=opset, dynamic_axes=axes)
    doc = {
        "inputs": [{"name": k, "shape": list(v.shape), "values": v.flatten().tolist()} for k, v in inputs.items()],
        "outputs": [{"name": k, "shape": list(v.shape), "values": v.flatten().tolist()} for k, v in zip(outs, res)],
    }
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(doc, f)
print("wrote %d models to %s" % (len(cases), out))

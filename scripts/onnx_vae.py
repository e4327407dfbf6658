#!/usr/bin/python3
"""Trains a VAE of an architecture this app does not define (BatchNorm,
LeakyReLU, a transposed convolution, then Upsample and a convolution; latent
size 8 by default) on an idx dataset, and exports its decoder and encoder
to ONNX the way a PyTorch user would:

    torch.onnx.export(decoder, torch.zeros(1, L), "decoder.onnx",
                      input_names=["z"], output_names=["image"],
                      dynamic_axes={"z": {0: "n"}, "image": {0: "n"}})
    torch.onnx.export(encoder, torch.zeros(1, 1, 28, 28), "encoder.onnx",
                      input_names=["x"], output_names=["mu", "logvar"],
                      dynamic_axes={"x": {0: "n"}, "mu": {0: "n"}, "logvar": {0: "n"}})

Prints one JSON line: the held-out -ELBO with z at the codes' means
(reconstruction + KL, nats), and with --time, PyTorch's time to decode 900
points.

Usage: onnx_vae.py --data DIR --out DIR [--epochs 3] [--latent 8] [--opset 17]
       onnx_vae.py --data - --out DIR --time   (untrained: the timing only)
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_vae import load_images  # noqa: E402


class Encoder(nn.Module):
    def __init__(self, latent):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.LeakyReLU(0.2),
            nn.Conv2d(32, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.LeakyReLU(0.2))
        self.fc = nn.Linear(64 * 7 * 7, 2 * latent)

    def forward(self, x):
        mu, logvar = self.fc(self.net(x).flatten(1)).chunk(2, dim=1)
        return mu, logvar


class Decoder(nn.Module):
    def __init__(self, latent):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(latent, 64 * 7 * 7), nn.BatchNorm1d(64 * 7 * 7), nn.LeakyReLU(0.2))
        self.net = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(32, 1, 3, padding=1), nn.Sigmoid())

    def forward(self, z):
        return self.net(self.fc(z).view(-1, 64, 7, 7))


def terms(x, p, mu, lv):
    p = p.clamp(1e-7, 1 - 1e-7)
    rec = -(x * p.log() + (1 - x) * (1 - p).log()).flatten(1).sum(1)
    kl = -0.5 * (1 + lv - mu.pow(2) - lv.exp()).sum(1)
    return rec, kl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--latent", type=int, default=8)
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--time", action="store_true", help="also time decoding 900 points")
    ap.add_argument("--limit", type=int, default=0, help="the first N training and held-out images only (tests)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.data == "-":  # no data: untrained weights (timing only)
        a.epochs = 0
        xtr = xte = torch.rand(1000, 1, 28, 28)
    else:
        xtr, side, channels = load_images(a.data, "train")
        xte, _, _ = load_images(a.data, "t10k")
        if side != 28 or channels != 1:
            sys.exit("onnx_vae.py: wants 28x28 grey images (MNIST, Fashion-MNIST)")
        xtr, xte = xtr.view(-1, 1, 28, 28), xte.view(-1, 1, 28, 28)
        if a.limit > 0:
            xtr, xte = xtr[:a.limit], xte[:a.limit]
    enc, dec = Encoder(a.latent), Decoder(a.latent)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    for epoch in range(a.epochs):
        enc.train(), dec.train()
        perm = torch.randperm(xtr.shape[0])
        for i in range(0, xtr.shape[0], 128):
            x = xtr[perm[i:i + 128]]
            mu, lv = enc(x)
            z = mu + torch.randn_like(mu) * (0.5 * lv).exp()
            rec, kl = terms(x, dec(z), mu, lv)
            loss = (rec + kl).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print("epoch %d: loss %.1f" % (epoch + 1, loss.item()), file=sys.stderr)
    enc.eval(), dec.eval()
    with torch.no_grad():
        rec_sum = kl_sum = 0.0
        for i in range(0, xte.shape[0], 1000):
            x = xte[i:i + 1000]
            mu, lv = enc(x)
            rec, kl = terms(x, dec(mu), mu, lv)
            rec_sum += rec.sum().item()
            kl_sum += kl.sum().item()
    n = xte.shape[0]
    os.makedirs(a.out, exist_ok=True)
    dpath, epath = os.path.join(a.out, "decoder.onnx"), os.path.join(a.out, "encoder.onnx")
    torch.onnx.export(dec, torch.zeros(1, a.latent), dpath, input_names=["z"], output_names=["image"],
                      dynamic_axes={"z": {0: "n"}, "image": {0: "n"}}, opset_version=a.opset)
    torch.onnx.export(enc, torch.zeros(1, 1, 28, 28), epath, input_names=["x"], output_names=["mu", "logvar"],
                      dynamic_axes={"x": {0: "n"}, "mu": {0: "n"}, "logvar": {0: "n"}}, opset_version=a.opset)
    res = {"decoder": dpath, "encoder": epath, "test_rec": rec_sum / n, "test_kl": kl_sum / n,
           "test_elbo_at_mean": (rec_sum + kl_sum) / n, "images": n}
    with torch.no_grad():  # a few decodes to compare with
        z = torch.linspace(-2, 2, 5 * a.latent).view(5, a.latent)
        res["z"] = z.flatten().tolist()
        res["decoded"] = dec(z).flatten().tolist()
    if a.time:
        g = torch.Generator().manual_seed(2)
        z = torch.randn(900, a.latent, generator=g)
        times = []
        with torch.no_grad():
            for _ in range(9):
                t0 = time.perf_counter()
                dec(z)
                times.append(time.perf_counter() - t0)
        res["torch_decode_900_ms"] = sorted(times)[4] * 1000
        res["torch_threads"] = a.threads
    print(json.dumps(res))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch reference for VAE Explorer's benchmarks: the same VAE as the Go
engine's default (mlp 784-H-L, ReLU, BCE from logits summed over pixels +
KL, per-image mean loss, Adam lr 1e-3, batch 128, PyTorch's default Linear
init), or with --arch conv the engine's conv architecture (Conv 1->32 and
32->64, 3x3 stride 2 pad 1; Linear 3136->H; decoder Linear L->3136 and
ConvTranspose 64->32, 32->1 with output padding 1), trained on the same idx
files. Prints one JSON object per epoch and a
summary line, like `vae-explorer train --json`.

Run with Debian's python3-torch: /usr/bin/python3 scripts/torch_reference.py
  --data DIR [--arch mlp|conv] [--epochs N] [--threads T] [--hidden 512|128]
  [--latent 2] [--batch 128] [--seed 1] [--conditional]
DIR is an idx dataset folder; for an image folder, first
`vae-explorer dataset --data FOLDER --size S --channels C --out DIR`
(the images exactly as `vae-explorer train --data FOLDER` makes them).
"""
import argparse, json, os, sys, time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print(json.dumps({"skipped": "PyTorch is not installed (Debian package python3-torch)"}))
    sys.exit(0)


# The modules, under the state_dict names `vae-explorer export` writes
# (pytorch/examples' fc1..fc4; the seed article's encoder/decoder), and
# the idx reader (grey idx3, or the idx4 colour files `vae-explorer
# dataset` writes from an image folder).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_vae import VAE, ConvVAE, CVAE, ConvCVAE, load_images, load_labels  # noqa: E402


def loss_terms(logits, x, mu, lv):
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = -0.5 * (1 + lv - mu.pow(2) - lv.exp()).sum(1)
    return rec, kl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--arch", default="mlp", choices=["mlp", "conv"])
    ap.add_argument("--hidden", type=int, default=0, help="default 512 (mlp) or 128 (conv)")
    ap.add_argument("--latent", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--conditional", action="store_true",
                    help="a conditional VAE (CVAE / ConvCVAE): the one-hot label joins the encoder's input and z; held-out -ELBO given the label")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, side, channels = load_images(a.data, "train")
    xte, _, _ = load_images(a.data, "t10k")
    if a.hidden == 0:
        a.hidden = 128 if a.arch == "conv" else 512
    if a.conditional:
        ytr, yte = load_labels(a.data, "train"), load_labels(a.data, "t10k")
        model = (ConvCVAE if a.arch == "conv" else CVAE)(a.hidden, a.latent, side, channels, int(ytr.max()) + 1)
        run = lambda x, idx, y: model(x, y[idx] if idx is not None else y)  # noqa: E731
    else:
        ytr = yte = None
        model = (ConvVAE if a.arch == "conv" else VAE)(a.hidden, a.latent, side, channels)
        run = lambda x, idx, y: model(x)  # noqa: E731
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = xtr.shape[0]
    total_time = 0.0
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        s = 0.0
        model.train()
        for i in range(0, n, a.batch):
            idx = perm[i:i + a.batch]
            xb = xtr[idx]
            logits, mu, lv = run(xb, idx, ytr)
            rec, kl = loss_terms(logits, xb, mu, lv)
            loss = (rec + kl).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            s += loss.item() * xb.shape[0]
        dt = time.perf_counter() - t0
        total_time += dt
        model.eval()
        with torch.no_grad():
            logits, mu, lv = run(xte, None, yte)
            rec, kl = loss_terms(logits, xte, mu, lv)
        print(json.dumps({"epoch": epoch, "train_loss": s / n, "test_elbo": (rec + kl).mean().item(),
                          "test_rec": rec.mean().item(), "test_kl": kl.mean().item(),
                          "img_per_s": n / dt, "seconds": dt}), flush=True)
    print(json.dumps({"summary": True, "arch": a.arch, "conditional": a.conditional, "threads": a.threads, "epochs": a.epochs,
                      "img_per_s": n * a.epochs / total_time, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()

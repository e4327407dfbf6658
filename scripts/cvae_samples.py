#!/usr/bin/python3
"""Are a conditional model's samples of a class that class? An independent
judge: a small convolutional MNIST classifier trained here on the standard
training split (kept out of the app), which reads each sample the model
draws for a chosen class.

Run with Debian's python3-torch:
  vae-explorer export --model cvae.vae --out cvae.safetensors
  /usr/bin/python3 scripts/cvae_samples.py --model cvae.safetensors --data MNIST_DIR
      [--per-class 1000] [--temperature 1] [--seed 1] [--threads 2]
MNIST_DIR holds the four idx files (make mnist prints where). The
classifier is trained once (about a minute on two cores) and kept in
~/.cache/vae-explorer/mnist-judge.pt; its own held-out accuracy is printed
with the result. Prints one JSON object: the share of samples the judge
reads as the class asked for, overall and per class.
"""
import argparse, json, os, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_vae import load_model, load_images, load_labels, _CCoder  # noqa: E402


class Judge(nn.Module):
    """Two convolutions and two linear layers: about 99% on MNIST."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.f1 = nn.Linear(64 * 7 * 7, 128)
        self.f2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 28, 28)
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.f2(F.relu(self.f1(x.flatten(1))))


def judge(data, path):
    """The classifier, trained on data's training split (or read from
    path), and its accuracy on the held-out split."""
    xte, _, _ = load_images(data, "t10k")
    yte = load_labels(data, "t10k")
    model = Judge()
    if os.path.exists(path):
        model.load_state_dict(torch.load(path))
    else:
        x, _, _ = load_images(data, "train")
        y = load_labels(data, "train")
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        for _ in range(3):
            perm = torch.randperm(x.shape[0])
            for i in range(0, x.shape[0], 128):
                idx = perm[i:i + 128]
                loss = F.cross_entropy(model(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        torch.save(model.state_dict(), path)
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    return model, acc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="a conditional model as safetensors (vae-explorer export)")
    ap.add_argument("--data", required=True, help="MNIST's four idx files")
    ap.add_argument("--per-class", type=int, default=1000)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--judge", default=os.path.expanduser("~/.cache/vae-explorer/mnist-judge.pt"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = load_model(a.model)
    if not isinstance(model, _CCoder):
        sys.exit(f"{a.model}: not a conditional model")
    clf, clf_acc = judge(a.data, a.judge)
    latent = model.fc_mu.out_features if hasattr(model, "fc_mu") else model.fc21.out_features
    per = {}
    right = 0
    with torch.no_grad():
        for c in range(model.classes):
            z = torch.randn(a.per_class, latent) * a.temperature
            imgs = model.decode(z, torch.full((a.per_class,), c))
            ok = (clf(imgs).argmax(1) == c).sum().item()
            per[str(c)] = ok / a.per_class
            right += ok
    print(json.dumps({"model": a.model, "samples": a.per_class * model.classes, "temperature": a.temperature,
                      "recognised": right / (a.per_class * model.classes), "per_class": per,
                      "judge_accuracy": clf_acc}))


if __name__ == "__main__":
    main()

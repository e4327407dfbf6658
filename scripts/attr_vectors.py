#!/usr/bin/python3
"""Does adding an attribute vector give held-out faces the attribute? An
independent judge: a small CNN trained here on the face folder's training
images and their labels (kept out of the app) reads the edited faces.

  vae-explorer dataset --data FACES/img_align_celeba --out IDX          # the images as training reads them
  vae-explorer vector compute --model faces.vae --attr Smiling --data FACES/img_align_celeba --out faces.vae
  vae-explorer vector list --model faces.vae --json > vectors.json
  vae-explorer export --model faces.vae --out faces.safetensors
  /usr/bin/python3 scripts/attr_vectors.py --model faces.safetensors --vectors vectors.json \
      --idx IDX --faces FACES --attr Smiling [--strengths 0,1,2,3] [--n 500]

Takes the held-out faces without the attribute (CelebA's split: the
partition file's 2s, in file order, as the idx files hold them), encodes
them, adds strength x the vector to each code, decodes, and prints as JSON
the share the judge reads as having the attribute at each strength, with
the judge's own accuracy on the held-out faces. The judge learns the labels
on the model's reconstructions of the training faces (--judge-on recon, the
default; --judge-on images: on the faces themselves), so what it reads in
an edited face is the attribute, not the decoder's blur.
"""
import argparse, json, os, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_vae import load_model, load_images  # noqa: E402


class Judge(nn.Module):
    """Three convolutions, one logit: is the attribute there."""

    def __init__(self, side, channels):
        super().__init__()
        self.side, self.channels = side, channels
        self.c1 = nn.Conv2d(channels, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.c3 = nn.Conv2d(32, 32, 3, padding=1)
        self.f = nn.Linear(32 * (side // 8) ** 2, 1)

    def forward(self, x):
        x = x.reshape(-1, self.channels, self.side, self.side)
        for c in (self.c1, self.c2, self.c3):
            x = F.max_pool2d(F.relu(c(x)), 2)
        return self.f(x.flatten(1)).squeeze(1)


def attributes(faces, name):
    """The attribute's labels of the training and held-out images, in the
    order the idx files hold them (training then held-out, each in file
    order)."""
    with open(os.path.join(faces, "list_attr_celeba.txt")) as f:
        lines = f.read().split("\n")
    names = lines[1].split()
    k = names.index(name)
    rows = {}
    for l in lines[2:]:
        p = l.split()
        if p:
            rows[p[0]] = int(p[1 + k]) > 0
    split = {}
    with open(os.path.join(faces, "list_eval_partition.txt")) as f:
        for l in f:
            p = l.split()
            if p:
                split[p[0]] = int(p[1])
    files = sorted(rows)
    train = [rows[f] for f in files if split[f] != 2]
    test = [rows[f] for f in files if split[f] == 2]
    return torch.tensor(train, dtype=torch.float32), torch.tensor(test, dtype=torch.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--vectors", required=True, help="vae-explorer vector list --json")
    ap.add_argument("--idx", required=True, help="the face folder as idx files (vae-explorer dataset)")
    ap.add_argument("--faces", required=True, help="the face folder (its attribute and partition files)")
    ap.add_argument("--attr", default="Smiling")
    ap.add_argument("--strengths", default="0,1,2,3")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--judge-on", dest="judge_on", default="recon", choices=["recon", "images"],
                    help="train the judge on the model's reconstructions (default) or on the images themselves")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, side, channels = load_images(a.idx, "train")
    xte, _, _ = load_images(a.idx, "t10k")
    ytr, yte = attributes(a.faces, a.attr)
    if len(ytr) != xtr.shape[0] or len(yte) != xte.shape[0]:
        sys.exit(f"{len(ytr)}/{len(yte)} labels for {xtr.shape[0]}/{xte.shape[0]} images: make the idx files from this folder")
    model = load_model(a.model)
    if a.judge_on == "recon":
        # The judge reads what the decoder draws: it learns the labels on
        # the model's reconstructions of the training faces, so the
        # decoder's blur and grain are no surprise to it.
        with torch.no_grad():
            xtr = torch.cat([model.decode(model.encode(xtr[i:i + 500])[0]) for i in range(0, xtr.shape[0], 500)])
            xte_judge = torch.cat([model.decode(model.encode(xte[i:i + 500])[0]) for i in range(0, xte.shape[0], 500)])
    else:
        xte_judge = xte
    judge = Judge(side, channels)
    opt = torch.optim.Adam(judge.parameters(), lr=1e-3)
    for _ in range(3):
        perm = torch.randperm(xtr.shape[0])
        for i in range(0, xtr.shape[0], 128):
            idx = perm[i:i + 128]
            loss = F.binary_cross_entropy_with_logits(judge(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    judge.eval()
    with torch.no_grad():
        acc = ((judge(xte_judge) > 0).float() == yte).float().mean().item()
    vectors = {v["name"]: v["z"] for v in json.load(open(a.vectors))}
    if a.attr not in vectors:
        sys.exit(f"no vector {a.attr} in {a.vectors}: vector compute --attr {a.attr} first")
    v = torch.tensor(vectors[a.attr])
    without = xte[yte == 0][: a.n]
    shares = {}
    with torch.no_grad():  # load_images, the modules and the judge all take images channels first
        mu, _ = model.encode(without)
        for s in (float(t) for t in a.strengths.split(",")):
            shares[str(s)] = (judge(model.decode(mu + s * v)) > 0).float().mean().item()
    print(json.dumps({"attribute": a.attr, "faces": without.shape[0], "share_with_attribute": shares, "judge_accuracy": acc}))


if __name__ == "__main__":
    main()

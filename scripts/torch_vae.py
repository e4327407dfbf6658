#!/usr/bin/python3
"""VAE Explorer's models in PyTorch, and safetensors files both ways.

The modules use the state_dict names of the PyTorch code people already
use: VAE is pytorch/examples' vae/main.py model (fc1, fc21, fc22, fc3, fc4,
any hidden size H and latent size L), ConvVAE the seed article's model
(encoder.0/.2 convolutions, encoder.5 linear, fc_mu, fc_logvar, decoder.0
linear, decoder.3/.5 transposed convolutions); CVAE and ConvCVAE are their
conditional forms (the one-hot class joins fc1's and fc3's inputs; for
conv, encoder_fc after the Flatten and decoder_fc before the Unflatten). `vae-explorer export` writes
these names; the app and `--model` read them (with or without our
metadata). The safetensors reader and writer below are plain Python (json,
struct), so nothing beyond Debian's python3-torch is needed.

Run with /usr/bin/python3:
  scripts/torch_vae.py info FILE.safetensors
  scripts/torch_vae.py decode FILE.safetensors --z 0.5,-1      # 784 pixels, JSON
  scripts/torch_vae.py decode CVAE.safetensors --z 0.5,-1 --class 7
  scripts/torch_vae.py roundtrip IN.safetensors OUT.safetensors # load, save
  scripts/torch_vae.py train --data DIR --arch mlp --epochs 10 --out FILE.safetensors
  scripts/torch_vae.py train --data DIR --conditional --out CVAE.safetensors   # CVAE / ConvCVAE
In your own code:
  from torch_vae import load_model, save_model
  model = load_model("digits.safetensors")        # a VAE or ConvVAE, eval mode
  save_model(model, "mine.safetensors")             # with its config as metadata
"""
import argparse, json, os, struct, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


def read_safetensors(path):
    """Returns ({name: tensor}, metadata). Checks the header as the format
    asks: bounded length, offsets in order, in range, without holes."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for safetensors")
    n, = struct.unpack("<Q", data[:8])
    if n > 100_000_000 or 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} does not fit the file")
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {}) or {}
    body = memoryview(data)[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        dtype, size = DTYPES[info["dtype"]]
        b, e = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if b != end or e - b != count * size or e > len(body):
            raise ValueError(f"{path}: tensor {name} has bad offsets {b}..{e}")
        end = e
        t = torch.frombuffer(bytearray(body[b:e]), dtype=dtype) if count else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    if end != len(body):
        raise ValueError(f"{path}: {len(body) - end} bytes after the last tensor")
    return tensors, meta


def write_safetensors(path, tensors, meta=None):
    """Writes {name: tensor} (float32, contiguous) with string metadata."""
    header, blobs, off = {}, [], 0
    if meta:
        header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        b = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # align the data to 8 bytes, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class _Coder(nn.Module):
    """What both models share: decode to pixels, and the training pass
    (reparameterised sample, logits, mean, log-variance)."""

    def decode(self, z):
        return torch.sigmoid(self.decode_logits(z))

    def forward(self, x):
        mu, lv = self.encode(x)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        return self.decode_logits(z), mu, lv


class VAE(_Coder):
    """pytorch/examples' vae/main.py model: 784 -> H -> (L, L); L -> H -> 784
    (for images of side S and C channels, S*S*C values, channels first)."""

    def __init__(self, hidden=512, latent=2, side=28, channels=1):
        super().__init__()
        self.side, self.channels = side, channels
        size = side * side * channels
        self.fc1 = nn.Linear(size, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, size)

    def encode(self, x):
        h = F.relu(self.fc1(x.reshape(x.shape[0], -1)))
        return self.fc21(h), self.fc22(h)

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))



class ConvVAE(_Coder):
    """The seed article's conv VAE: two stride-2 convolutions (32, 64), a
    linear layer of H, (L, L); L -> 64 x S/4 x S/4 -> two transposed
    convolutions (for images of side S divisible by 4 and C channels)."""

    def __init__(self, hidden=128, latent=2, side=28, channels=1):
        super().__init__()
        self.side, self.channels = side, channels
        q = side // 4
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * q * q, hidden), nn.ReLU())
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(
            nn.Linear(latent, 64 * q * q), nn.ReLU(), nn.Unflatten(1, (64, q, q)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, channels, 3, stride=2, padding=1, output_padding=1))

    def encode(self, x):
        h = self.encoder(x.reshape(-1, self.channels, self.side, self.side))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode_logits(self, z):
        return self.decoder(z).flatten(1)



class _CCoder(nn.Module):
    """What the conditional models share: the class y (one-hot, K wide)
    goes in with every image and every code."""

    def onehot(self, y):
        return F.one_hot(y.long(), self.classes).float()

    def decode(self, z, y):
        return torch.sigmoid(self.decode_logits(z, y))

    def forward(self, x, y):
        mu, lv = self.encode(x, y)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        return self.decode_logits(z, y), mu, lv


class CVAE(_CCoder):
    """VAE with the class: fc1 reads the image and the one-hot class,
    fc3 reads z and the class (Sohn et al. 2015; Kingma et al. 2014 M2)."""

    def __init__(self, hidden=512, latent=2, side=28, channels=1, classes=10):
        super().__init__()
        self.side, self.channels, self.classes = side, channels, classes
        size = side * side * channels
        self.fc1 = nn.Linear(size + classes, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent + classes, hidden)
        self.fc4 = nn.Linear(hidden, size)

    def encode(self, x, y):
        h = F.relu(self.fc1(torch.cat([x.reshape(x.shape[0], -1), self.onehot(y)], 1)))
        return self.fc21(h), self.fc22(h)

    def decode_logits(self, z, y):
        return self.fc4(F.relu(self.fc3(torch.cat([z, self.onehot(y)], 1))))


class ConvCVAE(_CCoder):
    """ConvVAE with the class joined after the encoder's Flatten (encoder_fc
    reads the features and the one-hot class) and to z before the decoder's
    Unflatten (decoder_fc)."""

    def __init__(self, hidden=128, latent=2, side=28, channels=1, classes=10):
        super().__init__()
        self.side, self.channels, self.classes = side, channels, classes
        q = side // 4
        self.encoder = nn.Sequential(
            nn.Conv2d(channels, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten())
        self.encoder_fc = nn.Linear(64 * q * q + classes, hidden)
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.decoder_fc = nn.Linear(latent + classes, 64 * q * q)
        self.decoder = nn.Sequential(
            nn.Unflatten(1, (64, q, q)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, channels, 3, stride=2, padding=1, output_padding=1))

    def encode(self, x, y):
        h = self.encoder(x.reshape(-1, self.channels, self.side, self.side))
        h = F.relu(self.encoder_fc(torch.cat([h, self.onehot(y)], 1)))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode_logits(self, z, y):
        return self.decoder(F.relu(self.decoder_fc(torch.cat([z, self.onehot(y)], 1)))).flatten(1)


def config_of(model):
    shape = {"image_size": model.side, "channels": model.channels}
    if isinstance(model, _CCoder):
        shape["condition"] = model.classes
    if isinstance(model, (ConvVAE, ConvCVAE)):
        return {"arch": "conv", "hidden": model.fc_mu.in_features, "latent": model.fc_mu.out_features, **shape}
    return {"arch": "mlp", "hidden": model.fc1.out_features, "latent": model.fc21.out_features, **shape}


def load_model(path):
    """A VAE or ConvVAE holding the file's weights (config from the
    metadata, else from the tensor shapes), in eval mode."""
    tensors, meta = read_safetensors(path)
    side, channels = int(meta.get("image_size", 28)), int(meta.get("channels", 1))
    if "encoder_fc.weight" in tensors:  # a conditional conv model
        mu, dfc = tensors["fc_mu.weight"].shape, tensors["decoder_fc.weight"].shape
        model = ConvCVAE(mu[1], mu[0], side, channels, dfc[1] - mu[0])
    elif "fc3.weight" in tensors and tensors["fc3.weight"].shape[1] > tensors["fc21.weight"].shape[0]:
        L = tensors["fc21.weight"].shape[0]
        model = CVAE(tensors["fc1.weight"].shape[0], L, side, channels, tensors["fc3.weight"].shape[1] - L)
    elif meta.get("arch") == "conv" or "encoder.0.weight" in tensors:
        model = ConvVAE(tensors["fc_mu.weight"].shape[1], tensors["fc_mu.weight"].shape[0], side, channels)
    else:
        model = VAE(tensors["fc1.weight"].shape[0], tensors["fc21.weight"].shape[0], side, channels)
    model.load_state_dict({k: v.to(torch.float32) for k, v in tensors.items()})
    return model.eval()


def save_model(model, path, **extra):
    meta = {"format": "pt", "loss": "bce", "beta": 1, **config_of(model), **extra}
    write_safetensors(path, model.state_dict(), meta)


def read_idx(path):
    import gzip
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        data = f.read()
    nd = struct.unpack(">I", data[:4])[0] & 0xFF
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return torch.frombuffer(bytearray(data[4 + 4 * nd:]), dtype=torch.uint8).reshape(dims)


def load_images(d, split):
    """A split of an idx dataset folder: images as floats in [0, 1], one
    row each, channels first (as the modules take them), with their side
    and channels. Colour folders (`vae-explorer dataset`) hold idx4 files,
    channels last."""
    for kind in ("idx3", "idx4"):
        path = f"{d}/{split}-images-{kind}-ubyte.gz"
        if os.path.exists(path):
            break
    t = read_idx(path)
    if t.dim() == 3:
        t = t.unsqueeze(3)
    n, side, _, channels = t.shape
    x = t.permute(0, 3, 1, 2).reshape(n, -1).float() / 255
    return x, side, channels


def load_labels(d, split):
    """A split's labels (idx1), as a tensor of class numbers."""
    return read_idx(f"{d}/{split}-labels-idx1-ubyte.gz").long()


def train(a):
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    x, side, channels = load_images(a.data, "train")
    hidden = a.hidden or (128 if a.arch == "conv" else 512)
    if a.conditional:
        labels = load_labels(a.data, "train")
        model = (ConvCVAE if a.arch == "conv" else CVAE)(hidden, a.latent, side, channels, int(labels.max()) + 1)
    else:
        model = (ConvVAE if a.arch == "conv" else VAE)(hidden, a.latent, side, channels)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, a.epochs + 1):
        perm, total = torch.randperm(x.shape[0]), 0.0
        for i in range(0, x.shape[0], 128):
            idx = perm[i:i + 128]
            xb = x[idx]
            logits, mu, lv = model(xb, labels[idx]) if a.conditional else model(xb)
            rec = F.binary_cross_entropy_with_logits(logits, xb, reduction="none").sum(1)
            kl = -0.5 * (1 + lv - mu.pow(2) - lv.exp()).sum(1)
            loss = (rec + kl).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        print(json.dumps({"epoch": epoch, "train_loss": total / x.shape[0]}), flush=True)
    save_model(model, a.out, producer="scripts/torch_vae.py")
    print(json.dumps({"saved": a.out, **config_of(model)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("info"); p.add_argument("file")
    p = sub.add_parser("decode"); p.add_argument("file"); p.add_argument("--z", required=True)
    p.add_argument("--class", dest="cls", type=int, default=None, help="a conditional model's class")
    p = sub.add_parser("roundtrip"); p.add_argument("src"); p.add_argument("dst")
    p = sub.add_parser("train")
    p.add_argument("--data", required=True); p.add_argument("--out", required=True)
    p.add_argument("--arch", default="mlp", choices=["mlp", "conv"]); p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--hidden", type=int, default=0); p.add_argument("--latent", type=int, default=2)
    p.add_argument("--seed", type=int, default=1); p.add_argument("--threads", type=int, default=2)
    p.add_argument("--conditional", action="store_true", help="a CVAE or ConvCVAE on the labels")
    a = ap.parse_args()
    if a.cmd == "info":
        tensors, meta = read_safetensors(a.file)
        model = load_model(a.file)
        print(json.dumps({"config": config_of(model), "metadata": meta,
                          "tensors": {k: list(v.shape) for k, v in sorted(tensors.items())}}))
    elif a.cmd == "decode":
        model = load_model(a.file)
        z = torch.tensor([[float(v) for v in a.z.split(",")]])
        with torch.no_grad():
            if isinstance(model, _CCoder):
                print(json.dumps(model.decode(z, torch.tensor([a.cls or 0]))[0].tolist()))
            else:
                print(json.dumps(model.decode(z)[0].tolist()))
    elif a.cmd == "roundtrip":
        save_model(load_model(a.src), a.dst, producer="scripts/torch_vae.py")
    else:
        train(a)


if __name__ == "__main__":
    main()

/**
 * Our architectures written in PyTorch from the papers' layer lists (DeepBind, DeepSEA,
 * bpnet-lite, transformers, MLP, autoencoders, multi-view, custom), for tests that compare our
 * models, and methods run on them, with PyTorch. bpnet's ReLUs are modules, one instance per use,
 * so that a DeepLIFT reference can hook them.
 */
export const PY_MODELS = `
import torch.nn as nn
import torch.nn.functional as F

class DeepBindRef(nn.Module):
    def __init__(self, tasks=1, filters=16, kernel=24, pooling='max', hidden=32, dropout=0.5, pad=True):
        super().__init__()
        self.kernel, self.pooling, self.pad = kernel, pooling, pad
        self.conv = nn.Conv1d(4, filters, kernel)
        self.dropout = nn.Dropout(dropout)
        pooled = filters * (2 if pooling == 'maxavg' else 1)
        self.hidden = nn.Linear(pooled, hidden) if hidden else None
        self.output = nn.Linear(hidden or pooled, tasks)
    def forward(self, x):
        if self.pad:
            x = F.pad(x, (self.kernel - 1, self.kernel - 1), value=0.25)
        a = F.relu(self.conv(x))
        p = a.max(dim=2).values
        if self.pooling == 'maxavg':
            p = torch.cat([p, a.mean(dim=2)], 1)
        h = self.dropout(p)
        if self.hidden is not None:
            h = F.relu(self.hidden(h))
        return self.output(h)

class DeepSEARef(nn.Module):
    # Zhou & Troyanskaya 2015: conv 320x8, ReLU, pool 4, dropout .2; conv 480x8, ReLU, pool 4, dropout .2;
    # conv 960x8, ReLU, dropout .5; FC 925 ReLU; FC 919.
    def __init__(self, length=1000, tasks=919, convs=((320, 8), (480, 8), (960, 8)), pools=(4, 4, 1), drops=(0.2, 0.2, 0.5), hidden=925):
        super().__init__()
        layers, c = [], 4
        for (f, k), p, d in zip(convs, pools, drops):
            layers += [nn.Conv1d(c, f, k), nn.ReLU()]
            if p > 1:
                layers.append(nn.MaxPool1d(p))
            layers.append(nn.Dropout(d))
            c = f
        self.features = nn.Sequential(*layers)
        with torch.no_grad():
            flat = self.features.eval()(torch.zeros(1, 4, length)).numel()
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(flat, hidden), nn.ReLU(), nn.Linear(hidden, tasks))
    def forward(self, x):
        return self.classifier(self.features(x))

class BlockRef(nn.Module):
    def __init__(self, f, k, d):
        super().__init__()
        self.conv = nn.Conv1d(f, f, k, padding='same', dilation=d)
        self.act = nn.ReLU()
    def forward(self, x):
        return x + self.act(self.conv(x))

class BPNetRef(nn.Module):
    # bpnet-lite: iconv, residual dilated convs with dilation 2^i (i = 1..n), fconv profile head, count head on the mean.
    def __init__(self, tasks=1, f=64, stem=21, layers=9, k=3, pk=75, crop=0):
        super().__init__()
        self.stem = nn.Conv1d(4, f, stem, padding='same')
        self.blocks = nn.ModuleList([BlockRef(f, k, 2 ** (i + 1)) for i in range(layers)])
        self.profile = nn.Conv1d(f, tasks, pk, padding='same')
        self.counts = nn.Linear(f, tasks)
        self.crop = crop
        self.act = nn.ReLU()
    def forward(self, x):
        h = self.act(self.stem(x))
        for b in self.blocks:
            h = b(h)
        L = h.shape[2]
        return {'profile': self.profile(h)[:, :, self.crop:L - self.crop], 'counts': self.counts(h.mean(2))}

def sinusoid(n, d):
    pe = torch.zeros(n, d)
    pos = torch.arange(n, dtype=torch.float64).unsqueeze(1)
    div = torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe[:, 0::2] = torch.sin(pos / div).float()
    pe[:, 1::2] = torch.cos(pos / div)[:, : d // 2].float()
    return pe

class TransformerRef(nn.Module):
    def __init__(self, input='onehot', vocab=None, embedding='linear', ek=9, d=128, heads=8, layers=4, ff=None,
                 act='gelu', norm='pre', positional='sinusoidal', max_len=5000, pooling='cls', tasks=1):
        super().__init__()
        self.input, self.pooling = input, pooling
        if input == 'tokens':
            self.embed = nn.Embedding(vocab, d, padding_idx=0)
        elif embedding == 'conv':
            self.embed = nn.Conv1d(4, d, ek, padding='same')
        else:
            self.embed = nn.Linear(4, d)
        self.cls = input == 'onehot' and pooling == 'cls'
        if self.cls:
            self.cls_token = nn.Parameter(torch.zeros(d))
        n = max_len + (1 if self.cls else 0)
        self.positions = nn.Module()
        self.learned = positional == 'learned'
        if self.learned:
            self.positions.weight = nn.Parameter(torch.zeros(n, d))
        else:
            self.positions.register_buffer('pe', sinusoid(n, d), persistent=False)
        layer = nn.TransformerEncoderLayer(d, heads, ff or 4 * d, 0.1, act, batch_first=True, norm_first=norm == 'pre')
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d) if norm == 'pre' else None, enable_nested_tensor=False)
        self.head = nn.Linear(d, tasks)
    def forward(self, x):
        mask = None
        if self.input == 'tokens':
            mask = x == 0
            h = self.embed(x)
        else:
            h = self.embed(x).transpose(1, 2) if isinstance(self.embed, nn.Conv1d) else self.embed(x.transpose(1, 2))
            if self.cls:
                h = torch.cat([self.cls_token.expand(h.shape[0], 1, -1), h], 1)
        table = self.positions.weight if self.learned else self.positions.pe
        h = self.encoder(h + table[: h.shape[1]], src_key_padding_mask=mask)
        if self.pooling == 'cls':
            p = h[:, 0]
        elif mask is None:
            p = h.mean(1)
        else:
            keep = (~mask).unsqueeze(2).float()
            p = (h * keep).sum(1) / keep.sum(1)
        return self.head(p)

class MLPRef(nn.Module):
    # D-GEX: Linear, tanh, dropout per hidden layer, linear output.
    def __init__(self, features, targets, hidden, dropout):
        super().__init__()
        layers, w = [], features
        for h in hidden:
            layers += [nn.Linear(w, h), nn.Tanh(), nn.Dropout(dropout)]
            w = h
        self.body = nn.Sequential(*layers, nn.Linear(w, targets))
    def forward(self, x):
        return self.body(x)

def mlp_stack(w, sizes):
    layers = []
    for h in sizes:
        layers += [nn.Linear(w, h), nn.ReLU()]
        w = h
    return layers, w

class AutoencoderRef(nn.Module):
    def __init__(self, features, hidden, latent):
        super().__init__()
        enc, w = mlp_stack(features, hidden)
        self.encoder = nn.Sequential(*enc, nn.Linear(w, latent))
        dec, w = mlp_stack(latent, list(reversed(hidden)))
        self.decoder = nn.Sequential(*dec, nn.Linear(w, features))
    def forward(self, x):
        z = self.encoder(x)
        return {'reconstruction': self.decoder(z), 'latent': z}

class VAERef(nn.Module):
    def __init__(self, features, hidden, latent):
        super().__init__()
        enc, w = mlp_stack(features, hidden)
        self.encoder = nn.Sequential(*enc)
        self.mu = nn.Linear(w, latent)
        self.logvar = nn.Linear(w, latent)
        dec, w = mlp_stack(latent, list(reversed(hidden)))
        self.decoder = nn.Sequential(*dec, nn.Linear(w, features))
    def forward(self, x):
        h = self.encoder(x)
        mu, logvar = self.mu(h), self.logvar(h)
        return {'reconstruction': self.decoder(mu), 'mu': mu, 'logvar': logvar, 'latent': mu}

class GlobalMax(nn.Module):
    def forward(self, x):
        return x.amax(2)

class MultiViewRef(nn.Module):
    def __init__(self, features, tasks, convs, pool, feature_hidden, hidden, dropout):
        super().__init__()
        layers, c = [], 4
        for f, k in convs:
            layers += [nn.Conv1d(c, f, k, padding='same'), nn.ReLU(), nn.MaxPool1d(pool)]
            c = f
        self.sequence = nn.Sequential(*layers, GlobalMax())
        num, w = [], features
        for h in feature_hidden:
            num += [nn.Linear(w, h), nn.ReLU(), nn.Dropout(dropout)]
            w = h
        self.numeric = nn.Sequential(*num)
        head, w2 = [], c + w
        for h in hidden:
            head += [nn.Linear(w2, h), nn.ReLU(), nn.Dropout(dropout)]
            w2 = h
        self.head = nn.Sequential(*head, nn.Linear(w2, tasks))
    def forward(self, x, feats):
        return self.head(torch.cat([self.sequence(x), self.numeric(feats)], 1))

class ChannelsFirstLSTM(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.rnn = nn.LSTM(c, h, batch_first=True, bidirectional=True)
    def forward(self, x):
        return self.rnn(x.transpose(1, 2))[0].transpose(1, 2)

class Res(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
    def forward(self, x):
        return x + self.inner(x)

class LastStateGRU(nn.Module):
    def __init__(self, c, h, layers):
        super().__init__()
        self.rnn = nn.GRU(c, h, num_layers=layers, batch_first=True, bidirectional=True)
    def forward(self, x):
        _, h = self.rnn(x.transpose(1, 2))
        return torch.cat([h[-2], h[-1]], 1)

class CustomRef(nn.Module):
    def __init__(self):
        super().__init__()
        # 40 bp: conv same (8, 40), pool 4 -> (8, 10), biLSTM 3 -> (6, 10), residual conv, flatten 60, layernorm, linear 4
        self.layers = nn.Sequential(nn.Conv1d(4, 8, 5, padding='same'), nn.BatchNorm1d(8), nn.ReLU(), nn.MaxPool1d(4),
            ChannelsFirstLSTM(8, 3), Res(nn.Sequential(nn.Conv1d(6, 6, 3, padding=1), nn.ELU())), nn.Dropout(0.2),
            nn.Flatten(), nn.LayerNorm(60), nn.Linear(60, 4))
    def forward(self, x):
        return self.layers(x)

class CustomLastRef(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv1d(4, 6, 3), nn.GELU(), LastStateGRU(6, 3, 2), nn.Linear(6, 2), nn.LogSoftmax(dim=-1))
    def forward(self, x):
        return self.layers(x)
`;

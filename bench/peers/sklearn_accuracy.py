"""scikit-learn peers of bench/accuracy.ts: standardised logistic regression and linear SVM.

Usage:
  python3 sklearn_accuracy.py splice TABLE   TABLE: class, id, seq, split (train / validation / test)
      one-hot sequences (A C G T; other letters all zero); C chosen on the validation rows from
      0.001 .. 10; prints {"model", "accuracy", "test", "C"} per model on the test rows.
  python3 sklearn_accuracy.py golub FOLDER   the Golub train (38) / independent (34) files:
      values clipped to [20, 16000], log1p, standardised with the training samples' statistics
      (what examples/golub-all-aml.yaml does); C = 1; on all genes and on the 50 genes of largest
      signal-to-noise on the training samples (the example's selection); prints {"model", "correct", "test"}.
"""
import csv
import gzip
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

MODELS = {
    'logistic-regression': lambda c: LogisticRegression(C=c, max_iter=5000),
    'linear-svm': lambda c: LinearSVC(C=c, max_iter=20000),
}


def one_hot(sequences):
    out = np.zeros((len(sequences), len(sequences[0]) * 4), dtype=np.float64)
    for n, s in enumerate(sequences):
        for i, c in enumerate(s):
            k = 'ACGT'.find(c)
            if k >= 0:
                out[n, i * 4 + k] = 1
    return out


def splice(table):
    with open(table) as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    part = {name: [r for r in rows if r['split'] == name] for name in ('train', 'validation', 'test')}
    x = {k: one_hot([r['seq'] for r in v]) for k, v in part.items()}
    y = {k: np.array([r['class'] for r in v]) for k, v in part.items()}
    for name, make in MODELS.items():
        best = max((make_pipeline(StandardScaler(), make(c)).fit(x['train'], y['train']).score(x['validation'], y['validation']), c) for c in (0.001, 0.01, 0.1, 1, 10))
        c = best[1]
        model = make_pipeline(StandardScaler(), make(c)).fit(x['train'], y['train'])
        print(json.dumps({'model': name, 'accuracy': model.score(x['test'], y['test']), 'test': len(y['test']), 'C': c}))


def golub_matrix(path):
    with gzip.open(path, 'rt') as f:
        rows = list(csv.reader(f))
    header = rows[0]
    columns = [i for i, h in enumerate(header) if h.strip().isdigit()]
    patients = [header[i].strip() for i in columns]
    values = np.array([[float(r[i]) for i in columns] for r in rows[1:]]).T  # samples x genes
    return patients, np.log1p(np.clip(values, 20, 16000))


def golub(folder):
    with open(f'{folder}/actual.csv') as f:
        labels = {r['patient']: r['cancer'] for r in csv.DictReader(f)}
    train_ids, x_train = golub_matrix(f'{folder}/data_set_ALL_AML_train.csv.gz')
    test_ids, x_test = golub_matrix(f'{folder}/data_set_ALL_AML_independent.csv.gz')
    y_train = np.array([labels[p] for p in train_ids])
    y_test = np.array([labels[p] for p in test_ids])
    a, b = x_train[y_train == 'ALL'], x_train[y_train == 'AML']
    snr = np.abs(a.mean(0) - b.mean(0)) / (a.std(0) + b.std(0))
    top50 = np.sort(np.argsort(-snr, kind='stable')[:50])
    for genes, columns in (('all-genes', slice(None)), ('snr50', top50)):
        for name, make in MODELS.items():
            model = make_pipeline(StandardScaler(), make(1.0)).fit(x_train[:, columns], y_train)
            correct = int((model.predict(x_test[:, columns]) == y_test).sum())
            print(json.dumps({'model': f'{name}-{genes}', 'correct': correct, 'test': len(y_test)}))


if __name__ == '__main__':
    {'splice': splice, 'golub': golub}[sys.argv[1]](sys.argv[2])

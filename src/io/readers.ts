/**
 * Interval, track, variant, annotation and matrix readers. Plain records and typed arrays,
 * never tensors; 0-based half-open coordinates throughout.
 */
export { readTextLines, readTextLineBatches, isGzipFile } from './text-lines.js';
export type { TextLine, TextLineBatch } from './text-lines.js';
export { OpenFile } from './open-file.js';

export { readBed, iterateBed, bedColumns } from './bed.js';
export type { BedFormat, BedRecord, ReadBedOptions } from './bed.js';

export { openBigWig, BigWigFile } from './bigwig.js';
export type { BigWigReadOptions } from './bigwig.js';

export { openVcf, iterateVcf, readVcf, readVcfHeader, openIndexedVcf, IndexedVcf, splitAlleles, alleleKind } from './vcf.js';
export type { VcfRecord, VcfAllele, VcfHeader, VcfStream, ReadVcfOptions, AlleleKind, InfoValue } from './vcf.js';

export { readAnnotation, iterateAnnotation, transcriptTss } from './gff.js';
export type { Annotation, AnnotationFeature, AnnotationFormat, CdsSpan, Gene, Transcript, Span, Strand, ReadAnnotationOptions } from './gff.js';

export { readMatrix, transposeMatrix } from './matrix.js';
export type { Matrix, ReadMatrixOptions } from './matrix.js';

export { readMatrixMarket, read10x, csrToDense, tenxToDense } from './mtx.js';
export type { CsrMatrix, ReadMatrixMarketOptions, TenxFeature, TenxMatrix, TenxPaths, Read10xOptions } from './mtx.js';

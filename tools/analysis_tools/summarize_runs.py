"""Print the per-epoch training losses and validation metrics of work dirs.

    python tools/analysis_tools/summarize_runs.py WORK_DIR [WORK_DIR ...] [--out FILE.json]
"""
import argparse
import json

from terminaltables import AsciiTable

from tsptools.utils.run_logs import epoch_summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--out', help='also write the rows as JSON')
    args = parser.parse_args()
    summary = {}
    for work_dir in args.work_dirs:
        rows = epoch_summary(work_dir)
        summary[work_dir] = rows
        keys = sorted({k for r in rows for k in r} - {'epoch'})
        table = [['epoch'] + keys]
        for row in rows:
            table.append([row['epoch']] + [
                f'{row[k]:.4g}' if isinstance(row.get(k), float) else
                str(row.get(k, '')) for k in keys
            ])
        print(AsciiTable(table, title=work_dir).table)
        best = [r for r in rows if 'val/mean_acc' in r]
        if best:
            top = max(best, key=lambda r: r['val/mean_acc'])
            print(f'best epoch {top["epoch"]}: ' + ', '.join(
                f'{k[4:]}={v:.4f}' for k, v in top.items()
                if k.startswith('val/')))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(summary, f, indent=2)


if __name__ == '__main__':
    main()

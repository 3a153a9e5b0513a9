"""The benchmark's table, as ``manage.py bench`` prints it."""


def format_table(report, goal=4.0, tools=()):
    d = report["data"]
    lines = [
        f"QMS Portal bench — {report['database']['vendor']} ({report['database']['name']}), DEBUG={report['debug']}",
        "data: " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in d.items()),
        f"as {report['user']}; {report['runs']} timed runs per page, round robin, after {report['warmup']} warm-ups; "
        f"goal ≤ {goal:g}× floor",
        f"first visit: {report.get('cold_runs', '—')} more runs per page, each after every cached piece was retired "
        "(a first visit, or the first after a change)",
        "",
        f"{'page':<18} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'×floor p50':>10} "
        f"{'×floor p95':>10} {'first p50':>9} {'×floor':>7} {'queries':>7} {'KB':>6}  url",
    ]
    for row in report["pages"]:
        if "p50_ms" not in row:
            lines.append(f"{row['page']:<18} {row['status']:>6} {'—':>8} {'—':>8} {'—':>8} {'—':>10} {'—':>10} "
                         f"{'—':>9} {'—':>7} {'—':>7} {'—':>6}  {row['url']}  {row.get('error', '')}")
            continue
        queries = str(row["queries"]) if row["queries_min"] == row["queries_max"] else \
            f"{row['queries_min']}-{row['queries_max']}"
        flag = ""
        if row.get("x_floor_p50") and row["page"] != "floor" and max(row["x_floor_p50"], row["x_floor_p95"]) > goal:
            flag = "  > goal"
        lines.append(
            f"{row['page']:<18} {row['status']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {queries:>8} "
            f"{_ratio(row.get('x_floor_p50')):>10} {_ratio(row.get('x_floor_p95')):>10} "
            f"{_ms(row.get('cold_p50_ms')):>9} {_ratio(row.get('x_floor_cold_p50')):>7} "
            f"{row.get('cold_queries', '—')!s:>7} {row['bytes'] / 1024:>6.1f}  {row['url']}{flag}"
        )
    for area, tool in tools or ():
        if area.label in report.get("extras", {}):
            lines += tool.format(report["extras"][area.label])
    return "\n".join(lines)


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


def _ratio(value):
    return "—" if value is None else f"{value:.1f}×"

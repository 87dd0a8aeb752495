//! Tables as report pages show them: labels in the reader's language, counts
//! of persons protected (`suppress`), counts of actions exact. One partial
//! (`reports/_table.html`) draws every table from a `TableView`.

use super::suppress::{Counts, Protected, Shown, protect};
use crate::web::context::Ctx;

#[derive(Debug, Clone)]
pub struct RowView {
    pub label: String,
    pub cells: Vec<String>,
    /// A drill-down link for the row's label.
    pub link: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TableView {
    pub id: String,
    pub title: String,
    /// The heading of the label column, then one per cell column.
    pub corner: String,
    pub heads: Vec<String>,
    pub rows: Vec<RowView>,
    pub total: Option<RowView>,
}

/// A cell of a protected table in the reader's language.
/// A count's digits are grouped as the reader's language writes them
/// ("24 116" in ky/ru, "24,116" in en), as money is.
pub fn shown(ctx: &Ctx, cell: Shown, threshold: i64) -> String {
    match cell {
        Shown::Value(n) => crate::web::money::whole(n, ctx.lang),
        other => other.text(threshold, &ctx.t("report-hidden")),
    }
}

/// Labels of enum values in the reader's language.
pub fn labels<T: Copy>(ctx: &Ctx, all: &[T], key: impl Fn(T) -> String) -> Vec<String> {
    all.iter().map(|v| ctx.t(key(*v))).collect()
}

impl TableView {
    /// Whether the table needs the page's whole width.
    pub fn is_wide(&self) -> bool {
        self.heads.len() > 2
    }

    /// One column of counts with a total row. Counts of persons are
    /// protected as a column with its total.
    #[allow(clippy::too_many_arguments)]
    pub fn list(
        ctx: &Ctx,
        id: &str,
        title: &str,
        head: &str,
        labels: Vec<String>,
        counts: &[i64],
        total: i64,
        persons: bool,
        threshold: i64,
    ) -> TableView {
        let (cells, total) = if persons {
            let p = protect(
                &Counts {
                    body: counts.iter().map(|n| vec![*n]).collect(),
                    row_totals: None,
                    column_totals: Some(vec![total]),
                    grand: None,
                },
                threshold,
            );
            let total = p.column_totals.map_or(Shown::Hidden, |t| t[0]);
            (p.body.into_iter().map(|r| r[0]).collect(), total)
        } else {
            (
                counts.iter().map(|n| Shown::Value(*n)).collect(),
                Shown::Value(total),
            )
        };
        TableView::shown_list(ctx, id, title, head, labels, cells, total, threshold)
    }

    /// One column of counts already decided (protected by a publication, or
    /// exact).
    #[allow(clippy::too_many_arguments)]
    pub fn shown_list(
        ctx: &Ctx,
        id: &str,
        title: &str,
        head: &str,
        labels: Vec<String>,
        cells: Vec<Shown>,
        total: Shown,
        threshold: i64,
    ) -> TableView {
        TableView {
            id: id.to_owned(),
            title: title.to_owned(),
            corner: String::new(),
            heads: vec![head.to_owned()],
            rows: labels
                .into_iter()
                .zip(cells)
                .map(|(label, cell)| RowView {
                    label,
                    cells: vec![shown(ctx, cell, threshold)],
                    link: None,
                })
                .collect(),
            total: Some(RowView {
                label: ctx.t("report-total"),
                cells: vec![shown(ctx, total, threshold)],
                link: None,
            }),
        }
    }

    /// A protected cross table with row and column totals.
    pub fn cross(
        ctx: &Ctx,
        id: &str,
        title: &str,
        row_labels: Vec<String>,
        col_labels: Vec<String>,
        p: &Protected,
        threshold: i64,
    ) -> TableView {
        let total_col = p.row_totals.is_some();
        let mut heads = col_labels;
        if total_col {
            heads.push(ctx.t("report-total"));
        }
        let rows = row_labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| {
                let mut cells: Vec<String> = p.body[i]
                    .iter()
                    .map(|c| shown(ctx, *c, threshold))
                    .collect();
                if let Some(t) = &p.row_totals {
                    cells.push(shown(ctx, t[i], threshold));
                }
                RowView {
                    label,
                    cells,
                    link: None,
                }
            })
            .collect();
        let total = p.column_totals.as_ref().map(|t| {
            let mut cells: Vec<String> = t.iter().map(|c| shown(ctx, *c, threshold)).collect();
            if let Some(g) = p.grand {
                cells.push(shown(ctx, g, threshold));
            }
            RowView {
                label: ctx.t("report-total"),
                cells,
                link: None,
            }
        });
        TableView {
            id: id.to_owned(),
            title: title.to_owned(),
            corner: String::new(),
            heads,
            rows,
            total,
        }
    }
}

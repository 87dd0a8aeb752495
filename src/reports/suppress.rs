//! Statistical disclosure control for counts of persons (DESIGN §5).
//!
//! A published table of counts of persons hides every count from 1 to the
//! threshold minus one (*primary* suppression, shown as "<5"), and then hides
//! as many other cells (*complementary* suppression) as it takes so that no
//! hidden value can be computed back from what is shown: the other cells of
//! its row and column and the row, column and grand totals.
//!
//! The check is linear algebra, not a rule of thumb. Every total gives one
//! equation (`cells of the line − total = 0`); the shown cells are known
//! numbers, the hidden ones unknowns. A hidden cell is *recoverable* exactly
//! when its unit vector lies in the row space of those equations restricted to
//! the unknowns, i.e. when dropping it lowers the rank. While some hidden cell
//! is recoverable, the cheapest set of extra cells that makes it
//! unrecoverable is hidden too: one more cell of the same line, or the three
//! other corners of a rectangle through it. Adding unknowns never makes an
//! unrecoverable cell recoverable again, so the loop ends.
//!
//! Totals are treated as sums even where a table's total counts distinct
//! children (a child with two forms of exploitation counts once in each and
//! once in the total): that only protects more than needed.
//!
//! Zeros are shown as 0 and are hidden only when nothing else will do;
//! totals are hidden only after body cells. Counts of the state's own actions
//! never come here: they are published exactly.

/// How a cell is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Shown {
    Value(i64),
    /// A count from 1 to the threshold minus one.
    Small,
    /// Hidden so that a small count cannot be worked out from the others.
    Hidden,
}

impl Shown {
    pub fn is_hidden(self) -> bool {
        !matches!(self, Shown::Value(_))
    }

    /// The text of the cell: the number, "<5", or the marker for a
    /// complementary cell (`hidden` is the word in the reader's language).
    pub fn text(self, threshold: i64, hidden: &str) -> String {
        match self {
            Shown::Value(n) => n.to_string(),
            Shown::Small => format!("<{threshold}"),
            Shown::Hidden => hidden.to_owned(),
        }
    }
}

/// A table of counts of persons: the body, and which totals are published.
/// Totals, when given, must have one entry per row (`row_totals`) or per
/// column (`column_totals`); `grand` is published only with both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub body: Vec<Vec<i64>>,
    pub row_totals: Option<Vec<i64>>,
    pub column_totals: Option<Vec<i64>>,
    pub grand: Option<i64>,
}

/// The table as it may be published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Protected {
    pub body: Vec<Vec<Shown>>,
    pub row_totals: Option<Vec<Shown>>,
    pub column_totals: Option<Vec<Shown>>,
    pub grand: Option<Shown>,
}

impl Counts {
    /// A body with totals computed as sums: row totals, column totals and the
    /// grand total as asked.
    pub fn summed(body: Vec<Vec<i64>>, rows: bool, columns: bool) -> Counts {
        let width = body.first().map_or(0, Vec::len);
        let row_totals = rows.then(|| body.iter().map(|r| r.iter().sum()).collect::<Vec<i64>>());
        let column_totals = columns.then(|| {
            (0..width)
                .map(|c| body.iter().map(|r| r[c]).sum())
                .collect::<Vec<i64>>()
        });
        let grand = (rows && columns).then(|| body.iter().flatten().sum());
        Counts {
            body,
            row_totals,
            column_totals,
            grand,
        }
    }
}

impl Counts {
    /// Columns of the body (of the column totals when the body has no rows).
    fn width(&self) -> usize {
        self.body
            .first()
            .map(Vec::len)
            .or_else(|| self.column_totals.as_ref().map(Vec::len))
            .unwrap_or(0)
    }
}

/// The table laid out as one grid: body, then a total column and a total
/// row when published. Cells are numbered row by row.
struct Grid {
    rows: usize,
    cols: usize,
    /// Index of the total column / row, if published.
    total_col: Option<usize>,
    total_row: Option<usize>,
    values: Vec<i64>,
    /// Each equation: (cell, coefficient) pairs summing to zero.
    equations: Vec<Vec<(usize, i64)>>,
}

impl Grid {
    fn of(counts: &Counts) -> Grid {
        let body_rows = counts.body.len();
        let body_cols = counts.width();
        let total_col = counts.row_totals.as_ref().map(|_| body_cols);
        let total_row = counts.column_totals.as_ref().map(|_| body_rows);
        let cols = body_cols + usize::from(total_col.is_some());
        let rows = body_rows + usize::from(total_row.is_some());
        let mut values = vec![0; rows * cols];
        for (r, row) in counts.body.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                values[r * cols + c] = *v;
            }
        }
        if let (Some(tc), Some(totals)) = (total_col, &counts.row_totals) {
            for (r, v) in totals.iter().enumerate() {
                values[r * cols + tc] = *v;
            }
        }
        if let (Some(tr), Some(totals)) = (total_row, &counts.column_totals) {
            for (c, v) in totals.iter().enumerate() {
                values[tr * cols + c] = *v;
            }
        }
        if let (Some(tr), Some(tc)) = (total_row, total_col) {
            values[tr * cols + tc] = counts.grand.unwrap_or_default();
        }
        let mut equations = Vec::new();
        // A total over no cells says nothing about itself.
        if let Some(tc) = total_col.filter(|_| body_cols > 0) {
            for r in 0..rows {
                let mut eq: Vec<(usize, i64)> = (0..body_cols).map(|c| (r * cols + c, 1)).collect();
                eq.push((r * cols + tc, -1));
                equations.push(eq);
            }
        }
        if let Some(tr) = total_row.filter(|_| body_rows > 0) {
            for c in 0..cols {
                let mut eq: Vec<(usize, i64)> = (0..body_rows).map(|r| (r * cols + c, 1)).collect();
                eq.push((tr * cols + c, -1));
                equations.push(eq);
            }
        }
        Grid {
            rows,
            cols,
            total_col,
            total_row,
            values,
            equations,
        }
    }

    fn is_total(&self, cell: usize) -> bool {
        Some(cell / self.cols) == self.total_row || Some(cell % self.cols) == self.total_col
    }

    /// What hiding a cell costs: its value, far more for a total, and most for
    /// a zero (which would otherwise read as 0).
    fn cost(&self, cell: usize) -> i64 {
        let v = self.values[cell];
        let base = if v == 0 { 1_000_000 } else { v + 1 };
        if self.is_total(cell) {
            base + 10_000
        } else {
            base
        }
    }

    /// Can the value of `cell` be computed from the shown cells and totals?
    fn recoverable(&self, hidden: &[bool], cell: usize) -> bool {
        let with = rank(&self.restricted(hidden, None));
        let without = rank(&self.restricted(hidden, Some(cell)));
        with > without
    }

    /// The equations over the hidden cells only (minus `drop`).
    fn restricted(&self, hidden: &[bool], drop: Option<usize>) -> Vec<Vec<i128>> {
        let unknowns: Vec<usize> = (0..self.values.len())
            .filter(|&i| hidden[i] && Some(i) != drop)
            .collect();
        self.equations
            .iter()
            .map(|eq| {
                unknowns
                    .iter()
                    .map(|u| {
                        eq.iter()
                            .find(|(c, _)| c == u)
                            .map_or(0, |(_, k)| i128::from(*k))
                    })
                    .collect()
            })
            .collect()
    }

    /// Sets of further cells that could make `cell` unrecoverable, cheapest
    /// first: another cell of its row or column, or the other three corners of
    /// a rectangle through it.
    fn candidates(&self, hidden: &[bool], cell: usize) -> Vec<Vec<usize>> {
        let (r, c) = (cell / self.cols, cell % self.cols);
        let mut sets: Vec<Vec<usize>> = Vec::new();
        for c2 in (0..self.cols).filter(|&c2| c2 != c) {
            sets.push(vec![r * self.cols + c2]);
        }
        for r2 in (0..self.rows).filter(|&r2| r2 != r) {
            sets.push(vec![r2 * self.cols + c]);
            for c2 in (0..self.cols).filter(|&c2| c2 != c) {
                sets.push(vec![
                    r * self.cols + c2,
                    r2 * self.cols + c,
                    r2 * self.cols + c2,
                ]);
            }
        }
        let mut priced: Vec<(i64, Vec<usize>)> = sets
            .into_iter()
            .map(|set| {
                let fresh: Vec<usize> = set.into_iter().filter(|&i| !hidden[i]).collect();
                (fresh.iter().map(|&i| self.cost(i)).sum(), fresh)
            })
            .filter(|(_, fresh)| !fresh.is_empty())
            .collect();
        priced.sort();
        priced.into_iter().map(|(_, set)| set).collect()
    }
}

/// The cells of a table and its equations, by position, for protecting
/// several linked tables as one system (`publication`).
pub(crate) struct Layout {
    pub cells: Vec<(Pos, i64)>,
    pub equations: Vec<Vec<(Pos, i64)>>,
}

pub(crate) fn layout(counts: &Counts) -> Layout {
    let grid = Grid::of(counts);
    Layout {
        cells: (0..grid.values.len())
            .map(|i| (grid.pos(i), grid.values[i]))
            .collect(),
        equations: grid
            .equations
            .iter()
            .map(|eq| eq.iter().map(|(i, k)| (grid.pos(*i), *k)).collect())
            .collect(),
    }
}

/// The sets of other cells that could make a cell unrecoverable in its
/// table: another cell of its line, or the other corners of a rectangle.
pub(crate) fn partner_sets(counts: &Counts, pos: Pos) -> Vec<Vec<Pos>> {
    let grid = Grid::of(counts);
    let none = vec![false; grid.values.len()];
    let Some(cell) = (0..grid.values.len()).find(|&i| grid.pos(i) == pos) else {
        return Vec::new();
    };
    grid.candidates(&none, cell)
        .into_iter()
        .map(|set| set.into_iter().map(|i| grid.pos(i)).collect())
        .collect()
}

/// Which unknowns (columns) of a homogeneous system are determined by it:
/// those whose unit vector lies in its row space. Gauss–Jordan elimination on
/// integers: a column is determined when it is a pivot whose row has no
/// other non-zero entry.
pub(crate) fn determined(matrix: &[Vec<i128>]) -> Vec<bool> {
    let mut m: Vec<Vec<i128>> = matrix.to_vec();
    let width = m.first().map_or(0, Vec::len);
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut rank = 0;
    for col in 0..width {
        let Some(pivot) = (rank..m.len()).find(|&r| m[r][col] != 0) else {
            continue;
        };
        m.swap(rank, pivot);
        let p = m[rank][col];
        let pivot_row = m[rank].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r == rank || row[col] == 0 {
                continue;
            }
            let f = row[col];
            for (v, pv) in row.iter_mut().zip(&pivot_row) {
                // Too large a number to be exact: say everything is
                // determined, so more is hidden rather than less.
                let Some(next) = v
                    .checked_mul(p)
                    .and_then(|a| pv.checked_mul(f).and_then(|b| a.checked_sub(b)))
                else {
                    return vec![true; width];
                };
                *v = next;
            }
            let g = row.iter().fold(0i128, |g, &v| gcd(g, v.abs()));
            if g > 1 {
                row.iter_mut().for_each(|v| *v /= g);
            }
        }
        pivots.push((rank, col));
        rank += 1;
    }
    let mut out = vec![false; width];
    for (row, col) in pivots {
        out[col] = m[row].iter().enumerate().all(|(c, v)| c == col || *v == 0);
    }
    out
}

/// Rank over the rationals, by fraction-free elimination on integers.
fn rank(matrix: &[Vec<i128>]) -> usize {
    let mut m: Vec<Vec<i128>> = matrix.to_vec();
    let width = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..width {
        let Some(pivot) = (rank..m.len()).find(|&r| m[r][col] != 0) else {
            continue;
        };
        m.swap(rank, pivot);
        let p = m[rank][col];
        for r in 0..m.len() {
            if r != rank && m[r][col] != 0 {
                let f = m[r][col];
                let pivot_row = m[rank].clone();
                for (v, pv) in m[r].iter_mut().zip(&pivot_row) {
                    *v = *v * p - pv * f;
                }
                let g = m[r].iter().fold(0i128, |g, &v| gcd(g, v.abs()));
                if g > 1 {
                    m[r].iter_mut().for_each(|v| *v /= g);
                }
            }
        }
        rank += 1;
    }
    rank
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Protect a table of counts of persons with the given threshold (counts
/// from 1 to `threshold − 1` are small).
pub fn protect(counts: &Counts, threshold: i64) -> Protected {
    protect_with(counts, threshold, &|_| true, &|_| false)
}

/// Where a cell is in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pos {
    Body(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
    Grand,
}

impl Grid {
    fn pos(&self, cell: usize) -> Pos {
        let (r, c) = (cell / self.cols, cell % self.cols);
        match (Some(r) == self.total_row, Some(c) == self.total_col) {
            (false, false) => Pos::Body(r, c),
            (false, true) => Pos::RowTotal(r),
            (true, false) => Pos::ColumnTotal(c),
            (true, true) => Pos::Grand,
        }
    }
}

/// Protect a table that is linked to others (`publication`): `published`
/// says which cells are shown at all (a cell that is not, e.g. "the rest" of
/// a whole, is an unknown to the reader, to be protected only when small),
/// `forced` which are already hidden because another table needs it.
pub fn protect_with(
    counts: &Counts,
    threshold: i64,
    published: &dyn Fn(Pos) -> bool,
    forced: &dyn Fn(Pos) -> bool,
) -> Protected {
    let grid = Grid::of(counts);
    let small: Vec<bool> = grid
        .values
        .iter()
        .map(|v| (1..threshold).contains(v))
        .collect();
    let shown_at_all: Vec<bool> = (0..grid.values.len())
        .map(|i| published(grid.pos(i)))
        .collect();
    let mut hidden: Vec<bool> = (0..grid.values.len())
        .map(|i| small[i] || !shown_at_all[i] || forced(grid.pos(i)))
        .collect();
    loop {
        // What must not be computable: every hidden published cell, and any
        // small count, published or not.
        let exposed = (0..hidden.len())
            .find(|&i| hidden[i] && (shown_at_all[i] || small[i]) && grid.recoverable(&hidden, i));
        let Some(cell) = exposed else { break };
        let mut fixed = false;
        for set in grid.candidates(&hidden, cell) {
            let mut trial = hidden.clone();
            set.iter().for_each(|&i| trial[i] = true);
            if !grid.recoverable(&trial, cell) {
                hidden = trial;
                fixed = true;
                break;
            }
        }
        if !fixed {
            // No rectangle helps (cannot happen with at least two cells per
            // line); hide the whole table rather than publish a value.
            hidden.iter_mut().for_each(|h| *h = true);
            break;
        }
    }
    let shown = |i: usize| {
        if small[i] {
            Shown::Small
        } else if hidden[i] {
            Shown::Hidden
        } else {
            Shown::Value(grid.values[i])
        }
    };
    let body_rows = counts.body.len();
    let body_cols = counts.width();
    Protected {
        body: (0..body_rows)
            .map(|r| (0..body_cols).map(|c| shown(r * grid.cols + c)).collect())
            .collect(),
        row_totals: grid
            .total_col
            .map(|tc| (0..body_rows).map(|r| shown(r * grid.cols + tc)).collect()),
        column_totals: grid
            .total_row
            .map(|tr| (0..body_cols).map(|c| shown(tr * grid.cols + c)).collect()),
        grand: match (grid.total_row, grid.total_col) {
            (Some(tr), Some(tc)) => Some(shown(tr * grid.cols + tc)),
            _ => None,
        },
    }
}

/// A single count of persons with no total beside it.
pub fn one(count: i64, threshold: i64) -> Shown {
    if (1..threshold).contains(&count) {
        Shown::Small
    } else {
        Shown::Value(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(p: &Protected) -> Vec<Shown> {
        let mut all: Vec<Shown> = p.body.iter().flatten().copied().collect();
        all.extend(p.row_totals.iter().flatten());
        all.extend(p.column_totals.iter().flatten());
        all.extend(p.grand);
        all
    }

    #[test]
    fn determined_unknowns_of_known_systems() {
        // x + y = k: neither; x = k: x; x + y = k1, y = k2: both.
        assert_eq!(determined(&[vec![1, 1]]), vec![false, false]);
        assert_eq!(determined(&[vec![1, 0]]), vec![true, false]);
        assert_eq!(determined(&[vec![1, 1], vec![0, 1]]), vec![true, true]);
        // The two-dimensional case a line-by-line check misses: a + b = k1,
        // c + d = k2, a + c = k3, b + d + e = k4, e = k5 → all of a..d stay
        // free except as tied; with the cycle a-b-d-c closed, none is known.
        assert_eq!(
            determined(&[
                vec![1, 1, 0, 0],
                vec![0, 0, 1, 1],
                vec![1, 0, 1, 0],
                vec![0, 1, 0, 1]
            ]),
            vec![false; 4]
        );
    }

    #[test]
    fn rank_of_known_matrices() {
        assert_eq!(rank(&[vec![1, 1], vec![2, 2]]), 1);
        assert_eq!(rank(&[vec![1, 0], vec![0, 1]]), 2);
        assert_eq!(rank(&[vec![1, 1, 0], vec![0, 1, 1], vec![1, 0, -1]]), 2);
        assert_eq!(rank(&[]), 0);
    }

    #[test]
    fn one_small_cell_in_a_row_with_a_total_takes_its_neighbour_along() {
        // boys 3, girls 12, total 15: showing 12 and 15 would give away 3.
        let p = protect(&Counts::summed(vec![vec![3, 12]], true, false), 5);
        assert_eq!(p.body, vec![vec![Shown::Small, Shown::Hidden]]);
        assert_eq!(p.row_totals, Some(vec![Shown::Value(15)]));
    }

    #[test]
    fn a_table_without_small_counts_is_shown_as_it_is() {
        let p = protect(
            &Counts::summed(vec![vec![0, 12], vec![7, 9]], true, true),
            5,
        );
        assert!(values(&p).iter().all(|s| !s.is_hidden()));
        assert_eq!(p.grand, Some(Shown::Value(28)));
    }

    #[test]
    fn a_table_with_no_rows_shows_its_totals() {
        // A territory with nothing below it: only the total row is left, and
        // it is the territory's own figures.
        let p = protect(
            &Counts {
                body: vec![],
                row_totals: None,
                column_totals: Some(vec![3, 12]),
                grand: None,
            },
            5,
        );
        assert_eq!(p.column_totals, Some(vec![Shown::Small, Shown::Value(12)]));
        assert!(p.body.is_empty());
    }

    #[test]
    fn zero_is_shown_and_preferred_last() {
        // 2 beside zeros: the smallest non-zero partner is hidden, zeros stay.
        let p = protect(&Counts::summed(vec![vec![2, 0, 9, 30]], true, false), 5);
        assert_eq!(
            p.body[0],
            vec![
                Shown::Small,
                Shown::Value(0),
                Shown::Hidden,
                Shown::Value(30)
            ]
        );
    }

    /// An independent look at the published table: the null space of the
    /// equations over the hidden cells, by Gauss–Jordan elimination in f64.
    /// A hidden cell is safe when some null-space vector moves it.
    fn safe_cells(grid: &Grid, hidden: &[bool]) -> Vec<bool> {
        let unknowns: Vec<usize> = (0..hidden.len()).filter(|&i| hidden[i]).collect();
        let mut m: Vec<Vec<f64>> = grid
            .equations
            .iter()
            .map(|eq| {
                unknowns
                    .iter()
                    .map(|u| {
                        eq.iter()
                            .find(|(c, _)| c == u)
                            .map_or(0.0, |(_, v)| *v as f64)
                    })
                    .collect()
            })
            .collect();
        let n = unknowns.len();
        let mut pivots = Vec::new();
        let mut row = 0;
        for col in 0..n {
            let Some(p) = (row..m.len()).find(|&r| m[r][col].abs() > 1e-9) else {
                continue;
            };
            m.swap(row, p);
            let pv = m[row][col];
            m[row].iter_mut().for_each(|v| *v /= pv);
            for r in 0..m.len() {
                if r != row && m[r][col].abs() > 1e-9 {
                    let f = m[r][col];
                    let pivot_row = m[row].clone();
                    for (v, pv) in m[r].iter_mut().zip(&pivot_row) {
                        *v -= f * pv;
                    }
                }
            }
            pivots.push(col);
            row += 1;
        }
        // A free unknown moves itself; a pivot moves when a free unknown
        // appears in its row.
        let mut safe = vec![false; hidden.len()];
        for (i, u) in unknowns.iter().enumerate() {
            safe[*u] = match pivots.iter().position(|&p| p == i) {
                None => true,
                Some(r) => (0..n).any(|j| !pivots.contains(&j) && m[r][j].abs() > 1e-9),
            };
        }
        safe
    }

    fn table() -> impl Strategy<Value = (Vec<Vec<i64>>, bool, bool)> {
        (1usize..5, 1usize..6).prop_flat_map(|(rows, cols)| {
            (
                prop::collection::vec(
                    prop::collection::vec(prop_oneof![0i64..6, 0i64..40], cols),
                    rows,
                ),
                any::<bool>(),
                any::<bool>(),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Every count from 1 to 4 is hidden, nothing hidden can be computed
        /// back from the totals, and what is shown is the true value.
        #[test]
        fn no_suppressed_value_is_recoverable((body, rows, columns) in table()) {
            let counts = Counts::summed(body, rows, columns);
            let p = protect(&counts, 5);
            let grid = Grid::of(&counts);
            let cells = order(&grid, &counts);
            let published = values(&p);
            prop_assert_eq!(cells.len(), published.len());
            let mut hidden = vec![false; grid.values.len()];
            for (cell, shown) in cells.iter().zip(&published) {
                hidden[*cell] = shown.is_hidden();
            }
            let safe = safe_cells(&grid, &hidden);
            for (cell, shown) in cells.iter().zip(&published) {
                let value = grid.values[*cell];
                if (1..5).contains(&value) {
                    prop_assert_eq!(*shown, Shown::Small);
                }
                match shown {
                    Shown::Value(v) => prop_assert_eq!(*v, value),
                    _ => prop_assert!(safe[*cell], "cell {} ({}) can be computed", cell, value),
                }
            }
        }
    }

    /// Grid indices in the order `values()` lists the published cells.
    fn order(grid: &Grid, counts: &Counts) -> Vec<usize> {
        let body_rows = counts.body.len();
        let body_cols = counts.width();
        let mut out = Vec::new();
        for r in 0..body_rows {
            for c in 0..body_cols {
                out.push(r * grid.cols + c);
            }
        }
        if let Some(tc) = grid.total_col {
            out.extend((0..body_rows).map(|r| r * grid.cols + tc));
        }
        if let Some(tr) = grid.total_row {
            out.extend((0..body_cols).map(|c| tr * grid.cols + c));
        }
        if let (Some(tr), Some(tc)) = (grid.total_row, grid.total_col) {
            out.push(tr * grid.cols + tc);
        }
        out
    }
}

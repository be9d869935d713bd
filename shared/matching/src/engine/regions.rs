//! Splitting the population into regions that can be grouped independently: people linked,
//! directly or through others, by being in each other's neighbour lists.

use crate::engine::neighbours::Neighbours;

/// Regions as ascending global indices, ordered by their first person, and each person's place
/// in their region. `links` are extra sets that must share a region (groups given as a start).
pub(crate) fn partition(
    n: usize,
    neighbours: &Neighbours,
    links: &[Vec<usize>],
) -> (Vec<Vec<u32>>, Vec<u32>) {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for i in 0..n {
        for &j in neighbours.near(i).iter().chain(neighbours.best(i)) {
            union(&mut parent, i as u32, j);
        }
    }
    for link in links {
        for pair in link.windows(2) {
            union(&mut parent, pair[0] as u32, pair[1] as u32);
        }
    }
    let mut region_of_root = vec![u32::MAX; n];
    let mut regions: Vec<Vec<u32>> = Vec::new();
    let mut local_index = vec![0; n];
    for i in 0..n as u32 {
        let root = find(&mut parent, i) as usize;
        if region_of_root[root] == u32::MAX {
            region_of_root[root] = regions.len() as u32;
            regions.push(Vec::new());
        }
        let region = &mut regions[region_of_root[root] as usize];
        local_index[i as usize] = region.len() as u32;
        region.push(i);
    }
    (regions, local_index)
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index becomes the root, so the result does not depend on link order.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

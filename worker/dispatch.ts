// Which waiting messages may start now. Pure, so the FIFO rule is tested without a queue.

/**
 * Up to `limit` of `waiting`, in receive order. On a FIFO queue (a message has a `groupId`) a message is skipped while
 * its group has a message running (`busyGroups`) or an earlier one waiting: a group runs one message at a time, in
 * order, and other groups go past it.
 */
export function nextToStart<T extends { groupId: string | undefined }>(
    waiting: readonly T[],
    busyGroups: ReadonlySet<string>,
    limit: number,
): T[] {
    const chosen: T[] = [];
    const groupsSeen = new Set<string>();
    for (const message of waiting) {
        if (chosen.length >= limit) {
            break;
        }
        const { groupId } = message;
        if (groupId === undefined) {
            chosen.push(message);
            continue;
        }
        if (!busyGroups.has(groupId) && !groupsSeen.has(groupId)) {
            chosen.push(message);
        }
        groupsSeen.add(groupId);
    }
    return chosen;
}

import type { HomeService } from '../home/service.ts'
import type { BoardService } from './service.ts'

/** Home: for those who sit on a board (or may record decisions), what awaits the board: entries for decision, reviews, the next meeting. */
export function addBoardHomePanel(home: HomeService, board: BoardService): void {
  home.panels.add({
    id: 'board-awaiting',
    order: 8,
    template: 'board/views/_home-awaiting.njk',
    async load(user) {
      const waiting = await board.awaitingMyBoard(user)
      if (!waiting || (!waiting.awaitingTotal && !waiting.reviews.length)) return null
      return { ...waiting, attention: waiting.awaitingTotal + waiting.reviews.length }
    },
  })
}

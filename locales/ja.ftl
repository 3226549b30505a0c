## つながり：日本語。ここのキーは en.ftl にも同じ変数で必要です。

## 受付（相談する方へ）

intake-welcome =
    こんにちは。つながりです。連絡をくださってありがとうございます。
    ここでは、さびしさや悩み、人に言いにくいことなど、どんなことでも、研修を受けた相談員とチャットで話せます。

    はじめる前に：
    • ここは緊急の窓口ではありません。いま命の危険があるときは、119（救急）か110（警察）に電話してください。
    • 書いてくださったことは、話す相談員だけが読み、決まった期間のあとに消去します。{ $channel ->
        [web] 上の「消す」ボタンで、いつでもご自分で消すこともできます。
       *[other] /forget でいつでもご自分で消すこともできます。
    }
    • 名前を言う必要はありません。
    • どの段階でも「いますぐ人と話したい」、危ないときは「緊急」を押せます。

    このまま進んでもよいですか？
option-consent = 同意して進む
option-decline = いまはやめておく
intake-language = どの言語で話しますか？
option-lang_ja = 日本語
option-lang_en = English
intake-concern =
    ありがとうございます。どんなことを話したいですか？
    近いものを選ぶか、ご自分の言葉で、書けるところまで書いてください。
option-cat_loneliness = さびしい・話す人がいない
option-cat_dying = 死にたい・消えたい気持ち
option-cat_mind = こころのこと・気分
option-cat_family = 家族・人間関係
option-cat_violence = 暴力・虐待
option-cat_school = 学校・いじめ
option-cat_work = 仕事のこと
option-cat_money = お金・生活・住まい
option-cat_other = そのほか
intake-safety-dying =
    ありがとうございます。大切なことなので、みなさんに同じことをうかがっています。
    いま、死にたいと思うほどつらい気持ちはありますか？
option-dying_yes = はい
option-dying_sometimes = ときどき
option-dying_no = いいえ
intake-safety-now =
    教えてくれてありがとう。とてもつらいですね。
    いま、あなたは安全ですか？自分を傷つけてしまいそう、誰かに傷つけられそうなど、すぐに危ないことが起きそうなら教えてください。
option-safe_yes = いまは安全
option-safe_no = 安全ではない
intake-region =
    よろしければ、お住まいの都道府県を教えてください（市区町村も書いてかまいません）。例：「大阪府」「横浜市」
    近くの窓口を探すのに役立ちます。とばしても大丈夫です。
option-region_skip = とばす
intake-region-unknown = ごめんなさい、どの都道府県か分かりませんでした。「東京都」「福岡」のように書いてもらえますか？とばすこともできます。
intake-help-mode = どんな形でお手伝いしましょうか？
option-help_talk = 相談員と話したい
option-help_info = 相談先の情報がほしい
option-help_both = 両方
option-human_now = いますぐ人と話したい
option-emergency = 緊急：いま危ない
intake-queued =
    話してくださってありがとうございます。いま相談員を待っています。手が空きしだい、おつなぎします。
    待っているあいだも書いて大丈夫です。相談員が読みます。
    { $channel ->
        [web] 待つのをやめるときは、上の「終える」を押してください。
       *[other] 待つのをやめるときは /end を送ってください。
    }
intake-queued-with-info =
    話してくださってありがとうございます。いま相談員を待っています。手が空きしだい、おつなぎします。
    そのあいだに、お話に合いそうな相談先です：
    { $services }
    待っているあいだも書いて大丈夫です。相談員が読みます。{ $channel ->
        [web] 待つのをやめるときは、上の「終える」を押してください。
       *[other] 待つのをやめるときは /end を送ってください。
    }
intake-queued-now =
    わかりました。いま相談員を待っています。手が空きしだい、おつなぎします。
    待っているあいだも書いて大丈夫です。相談員が読みます。{ $channel ->
        [web] 待つのをやめるときは、上の「終える」を押してください。
       *[other] 待つのをやめるときは /end を送ってください。
    }
intake-queued-emergency =
    いちばん先に相談員につながるようにしました。どうか、ここにいてください。
    書けるようなら、ここに書き続けてください。相談員がすべて読みます。
intake-referral =
    お話に合いそうな相談先です：
    { $services }
    ここで相談員と話したくなったら、いつでも「いますぐ人と話したい」を押してください。
intake-referral-more = ありがとうございます。ここで相談員と話したいときは「いますぐ人と話したい」を押してください。{ $channel ->
        [web] 上の「はじめから」で最初からやり直せます。
       *[other] /start で最初からやり直せます。
    }
intake-declined =
    わかりました。{ $channel ->
        [web] いつでも、ここに書くか上の「はじめから」を押せば、また始められます。
       *[other] いつでも /start を送れば、また始められます。
    }
    いま危険な状態にあるときは、119（救急）か110（警察）に電話してください。
intake-choose-option = 下のボタンから選んでください。
intake-restarted = わかりました。最初からやり直しましょう。
intake-reminder = まだそこにいますか？ゆっくりで大丈夫です。準備ができたら上の質問に答えるか、「いますぐ人と話したい」を押してください。
intake-expired = しばらくお返事がなかったので、いったん終わりにしました。{ $channel ->
        [web] またいつでも、ここに書くか上の「はじめから」を押してください。
       *[other] またいつでも /start を送ってください。
    }危険なときは119か110に電話してください。
crisis-imminent =
    あなたの命がとても心配です。いますぐ行動してしまいそうなら、119（救急）か110（警察）にすぐ電話してください。
    いつでも話せる窓口もあります：
    { $lines }
    { $later }
crisis-high =
    つらい気持ちを教えてくれてありがとう。ひとりで抱えなくて大丈夫です。
    夜中でも話せる窓口があります：
    { $lines }
    { $later }
forget-confirm = ここに書いたことをすべて消して、この会話を終えますか？元には戻せません。
option-forget_yes = はい、消します
option-forget_no = いいえ、残します
forget-done = ここに書いたことはすべて消しました。連絡をくださってありがとうございました。{ $channel ->
        [web] またいつでも、ここに書くか上の「はじめから」を押せば話せます。
       *[other] またいつでも /start で話せます。
    }
forget-kept = わかりました。何も消していません。
cancel-not-now = いま相談員を待っているか、話している最中なので、やり直しはしていません。{ $channel ->
        [web] 終えるときは、上の「終える」を押してください。
       *[other] 終えるときは /end を送ってください。
    }

## 待っているあいだ・話しているあいだ（相談する方へ）

waiting-added = ありがとうございます。相談員に伝わるように残しました。順番はそのままです。
already-connected = いま相談員とつながっています。ここにそのまま書いてください。
counselor-joined = 相談員がつながりました。お待たせしました。ここから自由に話してください。
counselor-left = 相談員が会話を終えました。話してくださってありがとうございました。{ $channel ->
        [web] また話したくなったら、いつでも、ここに書くか上の「はじめから」を押してください。
       *[other] また話したくなったら、いつでも /start を送ってください。
    }
person-left = 会話を終えました。連絡をくださってありがとうございました。{ $channel ->
        [web] また話したくなったら、いつでも、ここに書くか上の「はじめから」を押してください。
       *[other] また話したくなったら、いつでも /start を送ってください。
    }
text-too-long = メッセージが長すぎて受け取れませんでした（{ $limit }文字まで）。いくつかに分けて送ってもらえますか？
error-try-again = ごめんなさい、こちらで問題が起きました。少ししてから、もう一度送ってください。
unsupported-media = ごめんなさい、ここでは文字のメッセージしか読めません。言葉で書いてもらえますか？
help =
    つながりは、チャットで相談員とつながる窓口です。
    /start：はじめる、またはいまの質問をもう一度表示する
    /talk：いますぐ人と話す
    /emergency：いま危ない
    /cancel：質問を最初からやり直す
    /forget：ここに書いたことを消す
    /end：待つのをやめる、または会話を終える
    /help：この説明
    いま危険な状態にあるときは、119（救急）か110（警察）に電話してください。

command-start = はじめる・いまの質問をもう一度表示する
command-talk = いますぐ人と話す
command-emergency = 緊急：いま危ない
command-cancel = 質問を最初からやり直す
command-forget = 書いたことを消す
command-help = 使い方
command-end = 待つのをやめる・会話を終える

## 相談員向け

counselor-help =
    相談員のコマンド：
    /online：相談の受付を始める（依頼が「受ける」「見送る」ボタンつきで届きます）
    /next：いちばん長く待っている方と自分からつながる
    /end [結果] [メモ]：いまの会話を終える（結果がなければ選択肢を出します）
    /transfer <相談員 または 団体/チーム> [メモ]：メモを添えて引き継ぐ
    /switch：複数の会話があるとき、次の会話に切り替える
    /refer：相談者に合う窓口を送る（窓口一覧から）
    /queue と /assign <チケット> <相談員>：（スーパーバイザー）待っている方を見る／自分の団体の相談員に割り当てる
    /offline：受付をやめる
counselor-now-online = オンラインになりました。対応言語で待っている方：{ $waiting }人。依頼はここに届きます。/next で自分から次の方とつながることもできます。
counselor-now-offline = オフラインになりました。おつかれさまでした。
counselor-end-first = 会話が残っています。オフラインにする前に /end で終えるか /transfer で引き継いでください。
counselor-not-online = オフラインです。先に /online を送ってください。
counselor-busy = 同時に対応できる上限に達しています。次の方とつながる前に /end で会話を終えてください。
counselor-queue-empty = いま待っている方はいません。
counselor-summary = つながりました。受付の内容：
counselor-summary-waiting = 待っているあいだに書かれたこと：
counselor-no-conversation = 会話中ではありません。/next で次の方とつながります。
counselor-ended = 会話を終えました（{ $outcome }）。
counselor-person-left = 相談者が会話を終えました。
summary-language = 言語
summary-concern = 話したいこと
summary-waited = 待ち時間
duration-minutes = { $minutes }分
language-name-ja = 日本語
language-name-en = 英語
summary-risk = リスク（トリアージ）
summary-categories = 相談の内容
summary-reasons = 判断の理由（トリアージ）
summary-region = 地域
summary-help_mode = 希望
summary-thinking_of_dying = 死にたい気持ち
summary-safe_now = いま安全か
summary-notes = 受付中に書いたこと
summary-none = -
risk-imminent = 【切迫】
risk-high = 高
risk-moderate = 中
risk-low = 低
counselor-risk-raised = トリアージでリスクが「{ $risk }」に上がりました。理由：{ $reasons }
category-loneliness = 孤独・孤立
category-suicide = 自殺
category-self_harm = 自傷
category-mental_health = こころの健康
category-domestic_violence = DV
category-child_abuse = 児童虐待
category-bullying = いじめ
category-sexual_violence = 性暴力
category-money = お金・生活
category-work = 仕事
category-hikikomori = ひきこもり
category-elderly = 高齢
category-family = 家族
category-health = からだの健康
category-housing = 住まい
category-foreign_resident = 外国籍
category-lgbtq = LGBTQ
category-other = そのほか

## ウェブチャットと相談員コンソール（画面の表示）

ui-title = つながり チャット
ui-placeholder = メッセージを書く
ui-send = 送信
ui-connecting = 接続しています…
ui-reconnecting = 接続が切れました。つなぎ直しています…
ui-you = あなた
ui-counselor = 相談員
ui-bot = つながり
console-title = つながり 相談員コンソール
console-online = オンラインにする
console-offline = オフラインにする
console-next = 次の方とつながる
console-end = 会話を終える
console-waiting = 待っている方
console-no-conversation = 会話はありません。オンラインにして次の方とつながってください。
console-status-online = オンライン
console-status-offline = オフライン
console-summary = 受付の内容
console-unknown-key = このコンソールのリンクは有効ではありません。管理者に新しいリンクを頼んでください。

## 振り分け：待ち、依頼、引き継ぎ、在席

waiting-place = いま { $position } 番目です。待ち時間の目安はおよそ { $minutes } 分です。待っているあいだもここに書いてください。相談員が読みます。
waiting-place-unknown = いま { $position } 番目です。待っているあいだもここに書いてください。相談員が読みます。
waiting-closed-now =
    ごめんなさい、いまお話しできる相談員がいません。いま開いている窓口です：
    { $services }
waiting-keep = { $opens }に受付が始まります。順番はそのまま残り、始まったらおつなぎします。列からはいつでも抜けられます。
waiting-unstaffed = 順番はそのまま残り、相談員があきしだいおつなぎします。列からはいつでも抜けられます。
waiting-kept-anyway = しばらく受付が始まる予定がないので、上の窓口にも連絡してみてください。順番はそのまま残ります。列からはいつでも抜けられます。
waiting-none-soon = しばらく受付が始まる予定がありません。上の窓口に連絡してみてください。ここにはいつでもまた書いてください。
waiting-requeued = ごめんなさい、相談員との接続が切れました。列のいちばん前に戻しました。次の相談員はこれまでのやりとりを読めるので、同じことを書き直さなくて大丈夫です。
waiting-transferred = 相談員が、このことにより詳しい別の相談員に引き継ぎます。これまでのやりとりは引き継がれるので、同じことを書き直さなくて大丈夫です。
waiting-left = 列から抜けました。話したくなったら、いつでもまたここに書いてください。
waiting-services =
    いま開いている、あなたの相談に合った窓口です：
    { $services }
    列からは抜けました。いつでもまたここに書いてください。
clock-today = 今日 { $time }
clock-tomorrow = 明日 { $time }
option-waiting_services = 窓口の情報がほしい
option-waiting_leave = 列から抜ける
counselor-offer =
    相談を待っている方がいます。
    リスク：{ $risk }
    相談内容：{ $categories }
    言語：{ $language }
    都道府県：{ $region }
    { $seconds }秒以内に受けるか、見送ってください。
option-offer_accept = 受ける
option-offer_decline = 見送る
counselor-declined = 次の相談員に回しました。
counselor-offer-gone = その依頼はもう終わっています（時間切れか、相談者が抜けました）。
counselor-offer-missed = 依頼に応答がなかったので次の相談員に回し、あなたは一時停止になりました。/online でまた依頼を受けられます。
counselor-end-how = 会話の結果を選んでください（/end <結果> <メモ> でも終えられます）。
outcome-resolved = 解決
outcome-referred = 窓口を紹介した
outcome-person_left = 相談者が離れた
outcome-no_response = 応答なし
outcome-emergency_escalated = 緊急対応につないだ
counselor-transfer-usage = 会話中に /transfer <相談員ID または 団体/チーム> [メモ] を送ってください。
counselor-transferred = { $to } に引き継ぎました。ありがとうございます。
counselor-transfer-note = 同僚からこの会話を引き継ぎました。メモ：{ $note }
counselor-target-offline = 相手はいまオンラインではありません。何も変わっていません。
counselor-target-full = 相手はいま上限まで対応中です。何も変わっていません。
counselor-target-language = 相手はこの方の言語に対応していません。何も変わっていません。
counselor-ticket-gone = その方はもうそこで待っていません。何も変わっていません。
counselor-assign-other-org = 割り当てられるのは、自分の団体の相談員だけです。
counselor-line =
    いま待っている方（緊急度の高い順）：
    { $rows }
counselor-assign-usage = /assign <チケット> <相談員> を送ってください。
counselor-assigned = { $ticket } を { $to } に割り当てました。
counselor-switch-none = ほかの会話はありません。
counselor-switched = これから { $ticket } に書き込みます。
counselor-no-team = あなたのチーム（{ $team }）が団体ファイルにありません。運用担当に連絡してください。
counselor-still-there = いらっしゃいますか？ しばらく応答がないと、会話は列に戻ります。
option-still_here = います
counselor-thanks-here = ありがとうございます。オンラインのままです。
counselor-vanished = { $minutes }分応答がなかったため、オフラインにして会話を列に戻しました。戻ったら /online を送ってください。
counselor-refer-pick = この方の相談内容・地域・言語に合う窓口です。送るものをタップしてください：
counselor-refer-none = この方の相談内容・地域・言語に合う窓口が一覧にありません。
counselor-referred = 送りました：{ $service }。紹介として記録しました（窓口・相談内容・地域のみ）。
refer-open-now = 受付中
refer-closed-now = 時間外
referral-card =
    相談員から、役に立ちそうな窓口が届きました：
    { $card }
option-refer = この窓口を送る

# person side (issue 16)

crisis-set-hours =
    あなたの言葉で話せる窓口（決まった時間だけ。いまは閉まっていることや、時間が変わっていることがあります）：
    { $lines }
crisis-nobody-wait =
    ごめんなさい、いまここでお話しできる相談員がいません。こちらを待たずに、上の24時間の窓口にいますぐ電話してください。
    { $front ->
        [yes] あなたの順番はいちばん先です。相談員がつながりしだい、すぐにおつなぎします。
       *[other] 順番はそのまま残り、相談員がつながりしだい、おつなぎします。
    }
    書けるようなら、ここに書き続けてください。相談員がすべて読みます。列からはいつでも抜けられます。
crisis-nobody-opens =
    ごめんなさい、いまここでお話しできる相談員がいません。こちらを待たずに、上の24時間の窓口にいますぐ電話してください。
    窓口は{ $opens }に開きます。{ $front ->
        [yes] あなたの順番はいちばん先で、開いたらすぐにおつなぎします。
       *[other] 順番はそのまま残り、開いたらおつなぎします。
    }
    書けるようなら、ここに書き続けてください。相談員がすべて読みます。列からはいつでも抜けられます。
crisis-nobody-none-soon =
    ごめんなさい、この先しばらく、ここでお話しできる相談員がいません。こちらを待たずに、上の24時間の窓口にいますぐ電話してください。
    ここにはいつでも、また書いてください。
services-none-in-language = （あなたの言葉で、いま話せる窓口は見つかりませんでした。次の窓口は日本語です。）
services-later-in-language =
    あなたの言葉で話せる窓口（決まった時間だけ。いまは閉まっています。時間が変わっていることがあります）：
    { $services }
ui-actions = 会話
ui-end = 終える
ui-restart = はじめから
ui-forget = 消す
option-act_end = 会話を終える
option-act_restart = はじめからやり直す
option-act_forget = 書いたことを消す

# console (issue 16)
summary-not-told = （答えていません）
summary-reason-answer = 質問への答え
counselor-summary-so-far = 引き継ぎ前の会話：
console-paused = 一時停止中
console-resume = 依頼の受付を再開する
console-paused-note = 依頼に応答がなかったので、次の相談員に回しました。一時停止中は依頼が届きません。「依頼の受付を再開する」を押してください。
console-offer-missed = 依頼に応答がなかったので、次の相談員に回しました。準備ができたら「依頼の受付を再開する」を押してください。
console-vanished = このコンソールから { $minutes } 分間応答がなかったので、オフラインにし、会話は列に戻しました。戻ったらオンラインにしてください。
console-offer-title = 相談員を待っている方がいます。
console-offer-left = あと { $seconds } 秒で応答してください
console-offer-risk-imminent = 【切迫】いま行動に移すおそれ
console-offer-risk-high = 高リスク
console-offer-risk-moderate = 中リスク
console-offer-risk-low = 低リスク
console-notify-allow = 通知を許可する
console-sound-on = 音あり
console-sound-off = 音なし
console-switch = 次の会話へ
console-erased = 相談者がデータを消しました。この方の書いたことはコンソールから消しました。
console-stopped = 接続していません

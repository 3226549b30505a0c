## つながり：日本語。ここのキーは en.ftl にも同じ変数で必要です。

## 受付（相談する方へ）

intake-welcome =
    こんにちは。つながりです。連絡をくださってありがとうございます。
    ここでは、さびしさや悩み、人に言いにくいことなど、どんなことでも、研修を受けた相談員とチャットで話せます。

    はじめる前に：
    • ここは緊急の窓口ではありません。いま命の危険があるときは、119（救急）か110（警察）に電話してください。
    • 書いてくださったことは、話す相談員だけが読み、決まった期間のあとに消去します。/forget でいつでもご自分で消すこともできます。
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
    教えてくれてありがとう。大切なことなので、率直に聞かせてください。
    いま、死にたいと思うほどつらい気持ちがありますか？
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
    待つのをやめるときは /end を送ってください。
intake-queued-with-info =
    話してくださってありがとうございます。いま相談員を待っています。手が空きしだい、おつなぎします。
    そのあいだに、お話に合いそうな相談先です：
    { $services }
    待っているあいだも書いて大丈夫です。相談員が読みます。待つのをやめるときは /end を送ってください。
intake-queued-now =
    わかりました。いま相談員を待っています。手が空きしだい、おつなぎします。
    待っているあいだも書いて大丈夫です。相談員が読みます。待つのをやめるときは /end を送ってください。
intake-queued-emergency =
    いちばん先に相談員につながるようにしました。どうか、ここにいてください。
    書けるようなら、ここに書き続けてください。相談員がすべて読みます。
intake-referral =
    お話に合いそうな相談先です：
    { $services }
    ここで相談員と話したくなったら、いつでも「いますぐ人と話したい」を押してください。
intake-referral-more = ありがとうございます。ここで相談員と話したいときは「いますぐ人と話したい」を押してください。/start で最初からやり直せます。
intake-declined =
    わかりました。いつでも /start を送れば、また始められます。
    いま危険な状態にあるときは、119（救急）か110（警察）に電話してください。
intake-choose-option = 下のボタンから選んでください。
intake-restarted = わかりました。最初からやり直しましょう。
intake-reminder = まだそこにいますか？ゆっくりで大丈夫です。準備ができたら上の質問に答えるか、「いますぐ人と話したい」を押してください。
intake-expired = しばらくお返事がなかったので、いったん終わりにしました。またいつでも /start を送ってください。危険なときは119か110に電話してください。
crisis-imminent =
    あなたの命がとても心配です。いますぐ行動してしまいそうなら、119（救急）か110（警察）にすぐ電話してください。
    いつでも話せる窓口もあります：
    { $lines }
crisis-high =
    つらい気持ちを教えてくれてありがとう。ひとりで抱えなくて大丈夫です。
    夜中でも話せる窓口があります：
    { $lines }
forget-confirm = ここに書いたことをすべて消して、この会話を終えますか？元には戻せません。
option-forget_yes = はい、消します
option-forget_no = いいえ、残します
forget-done = ここに書いたことはすべて消しました。連絡をくださってありがとうございました。またいつでも /start で話せます。
forget-kept = わかりました。何も消していません。
cancel-not-now = いま相談員を待っているか、話している最中なので、やり直しはしていません。終えるときは /end を送ってください。

## 待っているあいだ・話しているあいだ（相談する方へ）

waiting-added = ありがとうございます。相談員に伝わるように残しました。順番はそのままです。
already-connected = いま相談員とつながっています。ここにそのまま書いてください。
counselor-joined = 相談員がつながりました。お待たせしました。ここから自由に話してください。
counselor-left = 相談員が会話を終えました。話してくださってありがとうございました。また話したくなったら、いつでも /start を送ってください。
person-left = 会話を終えました。連絡をくださってありがとうございました。また話したくなったら、いつでも /start を送ってください。
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
    /online：相談の受付を始める
    /next：いちばん長く待っている方とつながる
    /end：いまの会話を終える
    /offline：受付をやめる
counselor-now-online = オンラインになりました。待っている方：{ $waiting }人。/next で次の方とつながります。
counselor-now-offline = オフラインになりました。おつかれさまでした。
counselor-end-first = 会話中です。オフラインにする前に /end で会話を終えてください。
counselor-not-online = オフラインです。先に /online を送ってください。
counselor-busy = すでに会話中です。次の方とつながる前に /end で会話を終えてください。
counselor-queue-empty = いま待っている方はいません。
counselor-person-waiting = 相談を待っている方がいます（{ $waiting }人）。/next でつながります。
counselor-summary = つながりました。受付の内容：
counselor-summary-waiting = 待っているあいだに書かれたこと：
counselor-no-conversation = 会話中ではありません。/next で次の方とつながります。
counselor-ended = 会話を終えました。
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

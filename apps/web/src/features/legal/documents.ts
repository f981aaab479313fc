/** The terms of service and the privacy policy, in Korean and English, as sections of paragraphs. */
export type LegalDocument = 'terms' | 'privacy';
type Section = { heading: string; paragraphs: string[] };

export const EFFECTIVE_DATE = '2026-12-01';

export const DOCUMENTS: Record<'ko' | 'en', Record<LegalDocument, { title: string; sections: Section[] }>> = {
  ko: {
    terms: {
      title: '서비스 이용약관',
      sections: [
        {
          heading: '1. 목적',
          paragraphs: [
            '이 약관은 STUDYMATE(이하 "서비스")가 제공하는 언어 교환 서비스의 이용 조건과 절차, 이용자와 운영자의 권리와 의무를 정합니다.',
          ],
        },
        {
          heading: '2. 가입과 계정',
          paragraphs: [
            '만 14세 이상이면 네이버 또는 구글 계정으로 가입할 수 있어요.',
            '계정은 본인만 사용해야 하며, 다른 사람의 정보로 가입하거나 계정을 넘겨서는 안 돼요.',
          ],
        },
        {
          heading: '3. 서비스 내용',
          paragraphs: [
            '서비스는 프로필과 학습 언어에 맞는 파트너 추천, 채팅, 음성·영상 통화, 말하기 레벨 테스트, 학습 기록을 제공합니다. 레벨 테스트 결과는 참고용이며 공인 시험 성적이 아니에요.',
          ],
        },
        {
          heading: '4. 이용자의 약속',
          paragraphs: [
            '파트너를 존중해 주세요. 괴롭힘, 혐오 표현, 성적인 메시지, 사기, 광고·영업 목적의 연락은 금지돼요.',
            '다른 사람의 개인정보나 저작물을 허락 없이 올리지 마세요.',
          ],
        },
        {
          heading: '5. 게시물',
          paragraphs: [
            '이용자가 보낸 메시지와 파일의 권리는 이용자에게 있어요. 운영자는 서비스를 제공하는 데 필요한 범위에서만 저장하고 전달합니다.',
          ],
        },
        {
          heading: '6. 이용 제한과 탈퇴',
          paragraphs: ['약관을 어기면 경고, 기능 제한, 계정 정지가 있을 수 있어요.', '이용자는 설정에서 언제든 계정을 삭제할 수 있어요.'],
        },
        {
          heading: '7. 서비스 변경과 책임',
          paragraphs: [
            '운영자는 서비스를 개선하기 위해 기능을 바꿀 수 있으며, 중요한 변경은 미리 알려 드려요. 이용자끼리의 대화와 만남에서 생긴 문제에 대해서는 운영자의 고의나 중대한 과실이 없는 한 책임지지 않아요.',
          ],
        },
        { heading: '8. 문의', paragraphs: ['약관에 관한 문의는 서비스 운영자에게 보내 주세요.'] },
      ],
    },
    privacy: {
      title: '개인정보 처리방침',
      sections: [
        {
          heading: '1. 수집하는 정보',
          paragraphs: [
            '가입: 이메일, 이름(네이버 또는 구글에서 받은 정보).',
            '프로필: 영어 이름, 도시와 시간대, 자기소개, 사진, 성별과 출생 연도(선택), 언어와 수준, 관심사, 원하는 파트너, 대화 가능한 시간.',
            '이용 기록: 채팅 메시지와 첨부 파일, 레벨 테스트 녹음과 결과, 로그인 기록(시각, IP 주소, 브라우저).',
          ],
        },
        {
          heading: '2. 이용 목적',
          paragraphs: [
            '파트너 추천, 채팅과 통화 제공, 레벨 평가, 학습 기록 제공, 부정 이용 방지와 계정 보안에 사용해요. 광고 목적으로 쓰지 않으며, 마케팅 알림은 동의한 경우에만 보내요.',
          ],
        },
        {
          heading: '3. 보관과 파기',
          paragraphs: [
            '정보는 계정을 유지하는 동안 보관하고, 계정을 삭제하면 지체 없이 파기해요. 법령이 보관을 요구하는 정보는 그 기간 동안만 따로 보관해요.',
          ],
        },
        {
          heading: '4. 다른 곳에 맡기거나 주는 정보',
          paragraphs: [
            '정보를 팔거나 다른 회사에 주지 않아요. 다만 로그인(네이버, 구글)과, 운영자가 설정한 경우 메시지 번역과 음성 인식을 위해 해당 서비스에 필요한 정보만 보내요.',
          ],
        },
        {
          heading: '5. 이용자의 권리',
          paragraphs: ['설정에서 내 정보를 내려받고, 프로필을 고치고, 계정을 삭제할 수 있어요. 동의는 언제든 철회할 수 있어요.'],
        },
        {
          heading: '6. 안전하게 지키는 방법',
          paragraphs: ['전송 구간 암호화, 접근 권한 관리, 로그인 세션 관리로 정보를 보호해요. 메시지와 파일은 대화방 멤버만 볼 수 있어요.'],
        },
        { heading: '7. 문의', paragraphs: ['개인정보에 관한 문의와 요청은 서비스 운영자에게 보내 주세요.'] },
      ],
    },
  },
  en: {
    terms: {
      title: 'Terms of Service',
      sections: [
        {
          heading: '1. Purpose',
          paragraphs: [
            'These terms set out how STUDYMATE (the "service"), a language-exchange service, may be used, and the rights and duties of its users and its operator.',
          ],
        },
        {
          heading: '2. Joining and your account',
          paragraphs: [
            'Anyone aged 14 or over may join with a Naver or Google account.',
            "Your account is yours alone: do not sign up with someone else's details or hand your account over.",
          ],
        },
        {
          heading: '3. What the service offers',
          paragraphs: [
            'Partner suggestions that fit your profile and languages, chat, voice and video calls, a speaking level test and a record of your learning. Level-test results are a guide, not an official exam score.',
          ],
        },
        {
          heading: '4. What you agree to',
          paragraphs: [
            'Treat your partners with respect. Harassment, hate speech, sexual messages, fraud and advertising or sales contact are not allowed.',
            "Do not post other people's personal information or work without their permission.",
          ],
        },
        {
          heading: '5. What you post',
          paragraphs: [
            'You keep the rights to the messages and files you send. The operator stores and delivers them only as far as running the service needs.',
          ],
        },
        {
          heading: '6. Restrictions and leaving',
          paragraphs: [
            'Breaking these terms may lead to a warning, limited features or a suspended account.',
            'You can delete your account at any time in Settings.',
          ],
        },
        {
          heading: '7. Changes and liability',
          paragraphs: [
            'The operator may change features to improve the service and announces important changes in advance. The operator is not liable for problems arising between users unless caused intentionally or by gross negligence.',
          ],
        },
        { heading: '8. Contact', paragraphs: ["Send questions about these terms to the service's operator."] },
      ],
    },
    privacy: {
      title: 'Privacy Policy',
      sections: [
        {
          heading: '1. What we collect',
          paragraphs: [
            'Sign-up: e-mail address and name (as received from Naver or Google).',
            'Profile: English name, city and time zone, introduction, photo, gender and birth year (optional), languages and levels, interests, partner preferences, times you are available.',
            'Use: chat messages and attachments, level-test recordings and results, sign-in history (time, IP address, browser).',
          ],
        },
        {
          heading: '2. Why',
          paragraphs: [
            'To suggest partners, run chat and calls, assess your level, show your progress, prevent abuse and keep your account secure. Never for advertising; marketing notices only if you agreed to them.',
          ],
        },
        {
          heading: '3. How long',
          paragraphs: [
            'As long as you keep your account. When you delete it, your information is destroyed without delay, except what the law requires us to keep, kept apart and only for as long as required.',
          ],
        },
        {
          heading: '4. Who else handles it',
          paragraphs: [
            'We do not sell or give your information to other companies. Only what is needed goes to the sign-in providers (Naver, Google) and, where the operator has set them up, to translation and speech-recognition services.',
          ],
        },
        {
          heading: '5. Your rights',
          paragraphs: [
            'In Settings you can download your data, correct your profile and delete your account. You may withdraw consent at any time.',
          ],
        },
        {
          heading: '6. How we protect it',
          paragraphs: [
            'Encrypted connections, access control and managed sign-in sessions. Messages and files are visible only to the members of their room.',
          ],
        },
        { heading: '7. Contact', paragraphs: ["Send questions and requests about your personal information to the service's operator."] },
      ],
    },
  },
};
